// Helpers for native kernels on the onednn backend. The backend is tfjs's MathBackendCPU, whose tensors are plain
// typed arrays (backend.data.get(dataId).values): native code reads its inputs and writes a freshly allocated
// output array in place, and makeTensorInfo adopts that array without copying.
import * as tf from "@tensorflow/tfjs";
import type { MathBackendCPU } from "@tensorflow/tfjs-backend-cpu";
import type { NativeAddon } from "../native-types";

export type TensorInfo = tf.TensorInfo;
export interface KernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: MathBackendCPU;
  attrs: tf.NamedAttrMap;
}
/** A native implementation: returns undefined when it does not handle this case (dtype, layout, shape), and the
 *  cpu kernel runs instead. */
export type NativeKernel = (args: KernelArgs, addon: NativeAddon) => TensorInfo | TensorInfo[] | undefined;

export const BACKEND = "onednn";

export function values(backend: MathBackendCPU, t: TensorInfo): Float32Array {
  return backend.data.get(t.dataId).values as Float32Array;
}

export const isF32 = (...ts: (TensorInfo | undefined)[]) =>
  ts.every((t) => t === undefined || (t.dtype === "float32" && t.shape.length > 0));

export const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** A new float32 output: its array for the native call and a function wrapping it as a TensorInfo. */
export function output(backend: MathBackendCPU, shape: number[]): [Float32Array, () => TensorInfo] {
  const v = new Float32Array(sizeOf(shape));
  return [v, () => backend.makeTensorInfo(shape, "float32", v)];
}

// Activation codes of native/src/common.h.
export const ACTIVATIONS: Record<string, number> = {
  linear: 0, relu: 1, relu6: 2, leakyrelu: 3, elu: 4, sigmoid: 5,
};
