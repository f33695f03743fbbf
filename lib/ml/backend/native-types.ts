// The functions exported by native/src/*.cc. Float32Arrays are tfjs tensor storage, read and written in place;
// shapes are Int32Arrays whose layout each .cc file documents.
type F32 = Float32Array;
export interface NativeAddon {
  version(): string;
  cachedPrimitives(): number;
  // conv.cc — shape: [N, IC, IH, IW, OC, OH, OW, KH, KW, SH, SW, DH, DW, padTop, padLeft, padBottom, padRight, groups]
  conv2dForward(shape: Int32Array, x: F32, filter: F32, bias: F32 | null, y: F32, activation: number, alpha: number): void;
  conv2dBackwardData(shape: Int32Array, dy: F32, filter: F32, dx: F32): void;
  conv2dBackwardWeights(shape: Int32Array, x: F32, dy: F32, dfilter: F32): void;
  // eltwise.cc — op codes in kernels/eltwise.ts
  unary(op: number, x: F32, y: F32, p: number, q: number): void;
  binary(op: number, shape: Int32Array, a: F32, aStrides: Int32Array, b: F32, bStrides: Int32Array, out: F32,
    p?: number, q?: number): void;
  reduce(x: F32, outer: number, reduced: number, inner: number, out: F32, scale: number): void;
  adamUpdate(value: F32, grad: F32, m: F32, v: F32, newValue: F32, newM: F32, newV: F32, lr: number, beta1: number,
    beta2: number, epsilon: number, oneMinusAccBeta1: number, oneMinusAccBeta2: number): void;
  // batchnorm.cc — per-channel parameters have C or 1 elements
  batchNormForward(x: F32, C: number, mean: F32, variance: F32, scale: F32 | null, offset: F32 | null, eps: number,
    y: F32): void;
  batchNormGrad(x: F32, dy: F32, C: number, mean: F32, variance: F32, scale: F32 | null, eps: number, dx: F32,
    dmean: F32, dvariance: F32, dscale: F32, doffset: F32): void;
  // activation (optional): 0 none, 1 relu, 2 relu6 applied to y; the gradient then also takes that y
  batchNormTrainForward(x: F32, C: number, scale: F32 | null, offset: F32 | null, eps: number, y: F32, mean: F32,
    variance: F32, activation?: number): void;
  batchNormTrainGrad(x: F32, dy: F32, C: number, mean: F32, variance: F32, scale: F32 | null, eps: number, dx: F32,
    dscale: F32, doffset: F32, activation?: number, y?: F32 | null): void;
  // matmul.cc — shape: [batchA, batchB, M, K, N, transposeA, transposeB]
  matmul(shape: Int32Array, a: F32, b: F32, bias: F32 | null, out: F32, activation: number, alpha: number): void;
  // pool.cc — shape: [N, C, IH, IW, OH, OW, KH, KW, SH, SW, padTop, padLeft, padBottom, padRight]; max: 1, avg: 0
  poolForward(max: number, shape: Int32Array, x: F32, y: F32): void;
  poolBackward(max: number, shape: Int32Array, x: F32, dy: F32, dx: F32): void;
}
