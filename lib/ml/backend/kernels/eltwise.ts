// Element-wise and reduction kernels (native/src/eltwise.cc): the ops of batch-norm statistics, activations and
// their gradients, which on tfjs's cpu kernels cost far more than the convolutions.
import * as tf from "@tensorflow/tfjs";
import type { NativeAddon } from "../native-types";
import { BACKEND, isF32, output, sizeOf, values, type KernelArgs, type NativeKernel, type TensorInfo } from "./util";

const UNARY = { Square: 0, Sqrt: 1, Rsqrt: 2, Neg: 3, Relu: 4, Relu6: 5, Exp: 6, Log: 7, Reciprocal: 8, Step: 9,
  ClipByValue: 10, LeakyRelu: 11, Abs: 12, Sigmoid: 13 } as const;
const BINARY = { Add: 0, Sub: 1, Multiply: 2, RealDiv: 3, SquaredDifference: 4 } as const;
const COPY = 5;
const ACTIVATION_GRAD = { LabReluGrad: 6, LabRelu6Grad: 7, LabSquareGrad: 8, LabClipGrad: 9 } as const;
/** max(a + b, 0) in one pass: a residual Add and the ReLU after it (../training-fast-paths.ts fuses them). */
export const ADD_RELU_KERNEL = "LabAddRelu";
const FUSED_BINARY = { [ADD_RELU_KERNEL]: 10 } as const;

function unary(name: keyof typeof UNARY): NativeKernel {
  return ({ inputs, backend, attrs }: KernelArgs, addon: NativeAddon) => {
    const { x } = inputs as { x: TensorInfo };
    if (!isF32(x)) return undefined;
    const [y, wrap] = output(backend, x.shape);
    const p = name === "ClipByValue" ? attrs.clipValueMin as number : (attrs?.alpha as number | undefined) ?? 0;
    const q = name === "ClipByValue" ? attrs.clipValueMax as number : 0;
    addon.unary(UNARY[name], values(backend, x), y, p, q);
    return wrap();
  };
}

/** Strides of `shape` broadcast against `out` (0 along broadcast axes), right-aligned. */
function broadcastStrides(shape: readonly number[], out: readonly number[]): number[] {
  const s = new Array<number>(out.length).fill(0);
  let stride = 1;
  for (let i = out.length - 1, j = shape.length - 1; i >= 0; i--, j--) {
    const d = j >= 0 ? shape[j] : 1;
    s[i] = d === 1 ? 0 : stride;
    stride *= d;
  }
  return s;
}

/** Merges adjacent axes that are contiguous (or broadcast) in both operands, so [64,28,28,32] op [32] becomes
 *  [50176, 32] op [0, 1]-strided — the native loop then runs long inner loops. */
export function collapse(shape: number[], sa: number[], sb: number[]): [Int32Array, Int32Array, Int32Array] {
  const d: number[] = [], a: number[] = [], b: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] === 1) continue;
    const k = d.length - 1;
    const mergeable = (s: number[], t: number[]) => t[k] === s[i] * shape[i] || (t[k] === 0 && s[i] === 0);
    if (k >= 0 && mergeable(sa, a) && mergeable(sb, b)) {
      d[k] *= shape[i]; a[k] = sa[i]; b[k] = sb[i];
    } else {
      d.push(shape[i]); a.push(sa[i]); b.push(sb[i]);
    }
  }
  if (d.length === 0) { d.push(1); a.push(0); b.push(0); }
  return [Int32Array.from(d), Int32Array.from(a), Int32Array.from(b)];
}

type BinaryName = keyof typeof BINARY | keyof typeof ACTIVATION_GRAD | keyof typeof FUSED_BINARY;
const BINARY_CODES: Record<BinaryName, number> = { ...BINARY, ...ACTIVATION_GRAD, ...FUSED_BINARY };

function binary(name: BinaryName): NativeKernel {
  const code = BINARY_CODES[name];
  return ({ inputs, backend, attrs }: KernelArgs, addon: NativeAddon) => {
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    if (a.dtype !== "float32" || b.dtype !== "float32") return undefined;
    const shape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const [out, wrap] = output(backend, shape);
    if (out.length === 0) return wrap();
    const [d, sa, sb] = collapse(shape, broadcastStrides(a.shape, shape), broadcastStrides(b.shape, shape));
    addon.binary(code, d, values(backend, a), sa, values(backend, b), sb, out,
      attrs?.clipValueMin as number | undefined, attrs?.clipValueMax as number | undefined);
    return wrap();
  };
}

/** Tile where every tiled axis has size 1 (the broadcastTo pattern of gradients) is a broadcasting copy. */
const tile: NativeKernel = ({ inputs, backend, attrs }: KernelArgs, addon: NativeAddon) => {
  const { x } = inputs as { x: TensorInfo };
  const reps = attrs.reps as number[];
  if (!isF32(x) || reps.some((r, i) => r !== 1 && x.shape[i] !== 1)) return undefined;
  const shape = x.shape.map((d, i) => d * reps[i]);
  const [out, wrap] = output(backend, shape);
  const s = broadcastStrides(x.shape, shape);
  const [d, sa, sb] = collapse(shape, s, s);
  const v = values(backend, x);
  addon.binary(COPY, d, v, sa, v, sb, out);
  return wrap();
};

function reduce(mean: boolean): NativeKernel {
  return ({ inputs, backend, attrs }: KernelArgs, addon: NativeAddon) => {
    const { x } = inputs as { x: TensorInfo };
    if (!isF32(x)) return undefined;
    const axes = tf.util.parseAxisParam(attrs.axis as number | number[], x.shape).sort((p, q) => p - q);
    if (axes.length === 0 || axes.some((ax, k) => ax !== axes[0] + k)) return undefined; // contiguous axes only
    const A = sizeOf(x.shape.slice(0, axes[0]));
    const R = sizeOf(axes.map((ax) => x.shape[ax]));
    const B = sizeOf(x.shape.slice(axes[axes.length - 1] + 1));
    let shape = x.shape.filter((_, i) => !axes.includes(i));
    if (attrs.keepDims) shape = tf.backend_util.expandShapeToKeepDim(shape, axes);
    const [out, wrap] = output(backend, shape);
    addon.reduce(values(backend, x), A, R, B, out, mean ? 1 / R : 1);
    return wrap();
  };
}

/** The cpu Cast, except int32/bool → float32 gets a real Float32Array: the cpu kernel shares the Int32Array under
 *  the new dtype (no precision lost), and native kernels then refused that "float32" tensor (a Sum of a cast
 *  accuracy count fell back to the cpu kernel). Not a native kernel: a storage fix in front of the cpu one. */
export function floatStorageCast(cpuCast: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as KernelArgs;
    const { x } = inputs as { x: TensorInfo };
    if (attrs.dtype !== "float32" || (x.dtype !== "int32" && x.dtype !== "bool")) return cpuCast(args);
    const source = backend.data.get(x.dataId).values as Int32Array | Uint8Array;
    return backend.makeTensorInfo(x.shape, "float32", Float32Array.from(source));
  };
}

export const eltwiseKernels: Record<string, NativeKernel> = {
  ...Object.fromEntries(Object.keys(UNARY).map((n) => [n, unary(n as keyof typeof UNARY)])),
  ...Object.fromEntries(Object.keys(BINARY).map((n) => [n, binary(n as keyof typeof BINARY)])),
  Tile: tile,
  ...Object.fromEntries(Object.keys(ACTIVATION_GRAD).map((n) => [n, binary(n as keyof typeof ACTIVATION_GRAD)])),
  [ADD_RELU_KERNEL]: binary(ADD_RELU_KERNEL),
  Sum: reduce(false),
  Mean: reduce(true),
};

/** Relu, Relu6, Square and ClipByValue gradients as one native pass on onednn (tfjs-core: Multiply(dy, Step(Cast(x))),
 *  Multiply(dy, Multiply(x, 2)), two or three full-size passes; ClipByValue — tfjs-layers' ReLU(maxValue 6), the
 *  activation of MobileNetV2 — takes GreaterEqual, LessEqual, LogicalAnd and Select on bool tensors, which only have
 *  cpu kernels: two thirds of a MobileNetV2 step); other backends keep tfjs-core's gradients. */
export function registerActivationGradients(): void {
  for (const [kernelName, fused] of [["Relu", "LabReluGrad"], ["Relu6", "LabRelu6Grad"],
    ["Square", "LabSquareGrad"], ["ClipByValue", "LabClipGrad"]] as const) {
    const original = tf.getGradient(kernelName);
    if (!original || (original as { lab?: boolean }).lab) continue;
    tf.registerGradient({
      kernelName, inputsToSave: original.inputsToSave, lab: true,
      gradFunc: (dy, saved, attrs) => {
        const [x] = saved;
        const g = dy as tf.Tensor;
        if (tf.getBackend() !== BACKEND || x.dtype !== "float32" || g.dtype !== "float32") {
          return original.gradFunc(dy, saved, attrs);
        }
        return { x: () => tf.engine().runKernel(fused, { a: g, b: x }, attrs) as tf.Tensor };
      },
    } as tf.GradConfig);
  }
}

/** The gradient of LabAddRelu: dy where the output is positive (LabReluGrad on y, one pass), to both inputs. Each
 *  input gets its own tensor over the one array (a reshape): tfjs disposes an input's gradient when another
 *  accumulates into it. */
export function registerAddReluGradient(): void {
  tf.registerGradient({
    kernelName: ADD_RELU_KERNEL, inputsToSave: [], outputsToSave: [true],
    gradFunc: (dy, saved) => {
      const [y] = saved;
      let g: tf.Tensor | undefined; // computed by the first input's gradient, inside its tidy
      const grad = () => (g ? tf.reshape(g, y.shape) : (g = tf.engine().runKernel("LabReluGrad", { a: dy as tf.Tensor, b: y }) as tf.Tensor));
      return { a: grad, b: grad };
    },
  });
}
