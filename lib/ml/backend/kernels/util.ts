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

// Deferred outputs. tfjs computes some results nobody reads: tf.fused.conv2d's gradient computes the input
// gradient of the first layer (the image's), a full backward-data convolution per step. A deferred output's
// array is filled on first read (every kernel and readSync go through backend.data.get) and never computed if
// the tensor is disposed unread. The thunk holds its inputs' arrays, which tfjs never mutates.
const pending = new WeakMap<object, () => void>();
/** Off: compute at once (a profile then charges each kernel its own time instead of its first reader). */
export const deferral = { enabled: true };

export function defer(info: TensorInfo, compute: () => void): TensorInfo {
  if (deferral.enabled) pending.set(info.dataId, compute);
  else compute();
  return info;
}

/** The tensor being disposed: MathBackendCPU.disposeData reads its entry (refCount) through get(), which must not
 *  compute it — that read made every "skipped" image gradient run anyway. */
let disposing: object | undefined;
export function disposeUncomputed<T>(dataId: object, dispose: () => T): T {
  disposing = dataId;
  try { return dispose(); } finally { disposing = undefined; }
}

type Storage = MathBackendCPU["data"];
export function lazyStorage(backend: MathBackendCPU): Storage {
  const storage = new tf.DataStorage(backend, tf.engine()) as Storage;
  const get = storage.get.bind(storage), del = storage.delete.bind(storage);
  storage.get = (dataId: object) => {
    const compute = dataId === disposing ? undefined : pending.get(dataId);
    if (compute) { pending.delete(dataId); compute(); }
    return get(dataId);
  };
  storage.delete = (dataId: object) => { pending.delete(dataId); return del(dataId); };
  return storage;
}
