// The three gradient kernels @tensorflow/tfjs-backend-wasm 4.22 lacks, and a faster Conv2DBackpropInput,
// registered for "wasm" by setupBackend.
// - Conv2DBackpropFilter is composed from the wasm backend's own (XNNPACK) Conv2D: the filter gradient of a
//   convolution is itself a convolution of the input (batch as channels) with dy as the filter, stride and
//   dilation swapped. Much faster than im2col + matmul (which needs a huge patch matrix).
// - Conv2DBackpropInput replaces the wasm backend's own, a naive loop (~140 ms per bench-cnn layer): the input
//   gradient is a stride-1 convolution of dy (zeros inserted between rows/cols for stride > 1) with the filter
//   rotated by 180 degrees and its in/out channels swapped, run on XNNPACK.
// - The two depthwise gradients are plain loops over the wasm heap: depthwise work is small (9 MACs per output
//   element and channel), so a direct loop is cheaper than composing several kernels.
import * as tf from "@tensorflow/tfjs";

type TensorInfo = tf.TensorInfo;
type Pad = "valid" | "same" | number | tf.backend_util.ExplicitPadding;
type RoundingMode = "floor" | "round" | "ceil" | undefined;

// The parts of BackendWasm (not exported as a type by the package) that these kernels use.
interface WasmBackend extends tf.KernelBackend {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
  disposeData(dataId: object): boolean;
}

function run(name: string, backend: WasmBackend, inputs: tf.NamedTensorInfoMap, attrs: object): TensorInfo {
  const kernel = tf.getKernel(name, "wasm");
  if (!kernel) throw new Error(`wasm backend has no ${name} kernel`);
  return kernel.kernelFunc({ inputs, backend, attrs: attrs as tf.NamedAttrMap }) as TensorInfo;
}

function conv2DBackpropFilter({ inputs, backend, attrs }: {
  inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap;
}): TensorInfo {
  const b = backend as WasmBackend;
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as {
    strides: [number, number] | number; pad: Pad; dataFormat: "NHWC" | "NCHW";
    dimRoundingMode: RoundingMode; filterShape: [number, number, number, number];
  };
  if (dataFormat === "NCHW") throw new Error("wasm Conv2DBackpropFilter supports NHWC only");
  const ci = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape,
    strides, 1, pad, dimRoundingMode);
  const { top, left } = ci.padInfo;
  // The input rows/cols the forward pass touched: [-top, (fh-1) + (outH-1)*sh - top].
  const needH = ci.filterHeight + (ci.outHeight - 1) * ci.strideHeight;
  const needW = ci.filterWidth + (ci.outWidth - 1) * ci.strideWidth;
  const bottom = needH - top - ci.inHeight;
  const right = needW - left - ci.inWidth;
  const temps: TensorInfo[] = [];
  try {
    // [B,H,W,Ci] -> [Ci,H,W,B]: batch becomes the reduced (input-channel) axis of the new convolution.
    let xt = run("Transpose", b, { x }, { perm: [3, 1, 2, 0] });
    temps.push(xt);
    if (bottom < 0 || right < 0) { // rows/cols the forward pass never read: cut them off
      xt = run("Slice", b, { x: xt }, {
        begin: [0, 0, 0, 0],
        size: [ci.inChannels, ci.inHeight + Math.min(bottom, 0), ci.inWidth + Math.min(right, 0), ci.batchSize],
      });
      temps.push(xt);
    }
    // dy [B,oh,ow,Co] -> filter [oh,ow,B,Co]
    const f = run("Transpose", b, { x: dy }, { perm: [1, 2, 0, 3] });
    temps.push(f);
    const out = run("Conv2D", b, { x: xt, filter: f }, {
      strides: [1, 1],
      dilations: [ci.strideHeight, ci.strideWidth],
      pad: [[0, 0], [top, Math.max(bottom, 0)], [left, Math.max(right, 0)], [0, 0]],
      dataFormat: "NHWC",
      dimRoundingMode: undefined,
    });
    temps.push(out); // [Ci, fh, fw, Co]
    return run("Transpose", b, { x: out }, { perm: [1, 2, 0, 3] });
  } finally {
    for (const t of temps) b.disposeData(t.dataId);
  }
}

function conv2DBackpropInput({ inputs, backend, attrs }: {
  inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap;
}): TensorInfo {
  const b = backend as WasmBackend;
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as {
    strides: [number, number] | number; pad: Pad; dataFormat: "NHWC" | "NCHW"; dimRoundingMode: RoundingMode;
    inputShape: [number, number, number, number];
  };
  if (dataFormat === "NCHW") throw new Error("wasm Conv2DBackpropInput supports NHWC only");
  const ci = tf.backend_util.computeConv2DInfo(inputShape, filter.shape as [number, number, number, number],
    strides, 1, pad, dimRoundingMode);
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: IC, outHeight: OH, outWidth: OW, outChannels: OC } = ci;
  const { filterHeight: KH, filterWidth: KW, strideHeight: SH, strideWidth: SW } = ci;
  // dy with (stride - 1) zeros between rows and columns
  const LH = (OH - 1) * SH + 1, LW = (OW - 1) * SW + 1;
  const temps: TensorInfo[] = [];
  try {
    let spread = dy;
    if (SH > 1 || SW > 1) {
      spread = b.makeOutput([N, LH, LW, OC], "float32");
      temps.push(spread);
      const out = b.typedArrayFromHeap(spread), src = b.typedArrayFromHeap(dy);
      out.fill(0);
      for (let n = 0; n < N; n++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
        const from = ((n * OH + oh) * OW + ow) * OC;
        out.set(src.subarray(from, from + OC), ((n * LH + oh * SH) * LW + ow * SW) * OC);
      }
    }
    // filter [KH,KW,IC,OC] -> rotated [KH,KW,OC,IC]
    const rotated = b.makeOutput([KH, KW, OC, IC], "float32");
    temps.push(rotated);
    const f = b.typedArrayFromHeap(filter), r = b.typedArrayFromHeap(rotated);
    for (let kh = 0; kh < KH; kh++) for (let kw = 0; kw < KW; kw++) for (let i = 0; i < IC; i++) for (let o = 0; o < OC; o++) {
      r[(((KH - 1 - kh) * KW + (KW - 1 - kw)) * OC + o) * IC + i] = f[((kh * KW + kw) * IC + i) * OC + o];
    }
    const top = KH - 1 - ci.padInfo.top, left = KW - 1 - ci.padInfo.left;
    const bottom = H + KH - 1 - top - LH, right = W + KW - 1 - left - LW;
    if (top < 0 || left < 0) throw new Error("wasm Conv2DBackpropInput: padding larger than the filter");
    if (bottom < 0 || right < 0) {
      spread = run("Slice", b, { x: spread }, {
        begin: [0, 0, 0, 0], size: [N, LH + Math.min(bottom, 0), LW + Math.min(right, 0), OC] });
      temps.push(spread);
    }
    return run("Conv2D", b, { x: spread, filter: rotated }, {
      strides: [1, 1], dilations: [1, 1], dataFormat: "NHWC", dimRoundingMode: undefined,
      pad: [[0, 0], [top, Math.max(bottom, 0)], [left, Math.max(right, 0)], [0, 0]],
    });
  } finally {
    for (const t of temps) b.disposeData(t.dataId);
  }
}

interface DepthwiseAttrs {
  strides: [number, number] | number; dilations: [number, number] | number; pad: Pad;
  dimRoundingMode: RoundingMode;
}

function depthwiseBackpropFilter({ inputs, backend, attrs }: {
  inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap;
}): TensorInfo {
  const b = backend as WasmBackend;
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const a = attrs as unknown as DepthwiseAttrs & { filterShape: [number, number, number, number] };
  const ci = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], a.filterShape,
    a.strides, a.dilations, a.pad, a.dimRoundingMode, true);
  const xv = b.typedArrayFromHeap(x);
  const dyv = b.typedArrayFromHeap(dy);
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = ci;
  const { filterHeight: KH, filterWidth: KW, strideHeight: SH, strideWidth: SW } = ci;
  const { dilationHeight: DH, dilationWidth: DW } = ci;
  const M = ci.outChannels / C;
  const OC = ci.outChannels;
  const acc = new Float64Array(KH * KW * C * M); // long sums (N*OH*OW terms): accumulate in double
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let kh = 0; kh < KH; kh++) {
        const ih = oh * SH + kh * DH - ci.padInfo.top;
        if (ih < 0 || ih >= H) continue;
        for (let ow = 0; ow < OW; ow++) {
          const dyBase = ((n * OH + oh) * OW + ow) * OC;
          for (let kw = 0; kw < KW; kw++) {
            const iw = ow * SW + kw * DW - ci.padInfo.left;
            if (iw < 0 || iw >= W) continue;
            const xBase = ((n * H + ih) * W + iw) * C;
            const fBase = (kh * KW + kw) * OC;
            for (let c = 0; c < C; c++) {
              const xc = xv[xBase + c];
              for (let m = 0; m < M; m++) acc[fBase + c * M + m] += xc * dyv[dyBase + c * M + m];
            }
          }
        }
      }
    }
  }
  const out = b.makeOutput(a.filterShape, "float32");
  b.typedArrayFromHeap(out).set(acc);
  return out;
}

function depthwiseBackpropInput({ inputs, backend, attrs }: {
  inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap;
}): TensorInfo {
  const b = backend as WasmBackend;
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const a = attrs as unknown as DepthwiseAttrs & { inputShape: [number, number, number, number] };
  const ci = tf.backend_util.computeConv2DInfo(a.inputShape, filter.shape as [number, number, number, number],
    a.strides, a.dilations, a.pad, a.dimRoundingMode, true);
  const out = b.makeOutput(a.inputShape, "float32");
  // makeOutput can grow the heap, which detaches earlier views: take the views after it.
  const dx = b.typedArrayFromHeap(out);
  const dyv = b.typedArrayFromHeap(dy);
  const fv = b.typedArrayFromHeap(filter);
  dx.fill(0);
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = ci;
  const { filterHeight: KH, filterWidth: KW, strideHeight: SH, strideWidth: SW } = ci;
  const { dilationHeight: DH, dilationWidth: DW } = ci;
  const M = ci.outChannels / C;
  const OC = ci.outChannels;
  // Scatter each dy element back through the taps that read it; at most KH*KW*M terms per dx element.
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let kh = 0; kh < KH; kh++) {
        const ih = oh * SH + kh * DH - ci.padInfo.top;
        if (ih < 0 || ih >= H) continue;
        for (let ow = 0; ow < OW; ow++) {
          const dyBase = ((n * OH + oh) * OW + ow) * OC;
          for (let kw = 0; kw < KW; kw++) {
            const iw = ow * SW + kw * DW - ci.padInfo.left;
            if (iw < 0 || iw >= W) continue;
            const xBase = ((n * H + ih) * W + iw) * C;
            const fBase = (kh * KW + kw) * OC;
            for (let c = 0; c < C; c++) {
              let s = 0;
              for (let m = 0; m < M; m++) s += dyv[dyBase + c * M + m] * fv[fBase + c * M + m];
              dx[xBase + c] += s;
            }
          }
        }
      }
    }
  }
  return out;
}

export const wasmGradKernels: tf.KernelConfig[] = [
  { kernelName: "Conv2DBackpropInput", backendName: "wasm", kernelFunc: conv2DBackpropInput as tf.KernelFunc },
  { kernelName: "Conv2DBackpropFilter", backendName: "wasm", kernelFunc: conv2DBackpropFilter as tf.KernelFunc },
  { kernelName: "DepthwiseConv2dNativeBackpropFilter", backendName: "wasm",
    kernelFunc: depthwiseBackpropFilter as tf.KernelFunc },
  { kernelName: "DepthwiseConv2dNativeBackpropInput", backendName: "wasm",
    kernelFunc: depthwiseBackpropInput as tf.KernelFunc },
];

let registered = false;
/** Registers the kernels once, replacing the wasm backend's own Conv2DBackpropInput. */
export function registerWasmGradKernels(): void {
  if (registered) return;
  registered = true;
  for (const k of wasmGradKernels) {
    if (tf.getKernel(k.kernelName, k.backendName)) tf.unregisterKernel(k.kernelName, k.backendName);
    tf.registerKernel(k);
  }
}
