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

// Recycled output arrays. A fresh Float32Array of an activation's size costs as much as the ReLU that fills it
// (zeroing, page faults, GC pressure from external memory: 0.43 vs 0.22 ms for a 3.2 MB ReLU, measured), and a
// ResNet-20 step allocates ~150 of them. An array a native kernel allocated returns to the pool when its tensor's
// storage is deleted, unless something may still see it:
//   - read out of the backend (readSync: dataSync(), data(), the exporter) — the caller keeps that array;
//   - aliased by a cpu kernel's output (Slice hands out subarray views of its input, not copies);
//   - pinned by a deferred output (defer below) that will still read it.
// Pooled arrays hold stale values: every native kernel writes all of its outputs (none accumulates into them).
//
// The worker trains several models in one process (a teacher, students, technique stages), each with its own
// array sizes. A pool that only ever adds kept the first model's sizes for good: once they filled the cap, every
// size of a later model was allocated fresh (ResNet-20 after bench-cnn and MobileNetV2 ran ~40 % slower than
// alone). So when a recycled array would pass the cap, the pool evicts arrays of the size classes least recently
// taken — older than the recycled array's own class, so a stale size never pushes out the current model's.
// The cap is at least MIN_CAP_BYTES and grows to the most pooled-size output bytes ever alive at once: one
// training step frees about that much at its end and takes it again in the next, and a smaller cap made even
// ResNet-20 alone allocate two thirds of its outputs fresh. Memory it holds was in use by the step anyway.
const MIN_POOLED = 1 << 14; // elements; smaller arrays are cheap to allocate
const MIN_CAP_BYTES = 256 * 2 ** 20;
const pool = new Map<number, Float32Array[]>();
let pooledBytes = 0;
/** Bytes of pooled-size output arrays owned by live tensors now, and the most ever at once. */
let liveBytes = 0, peakLiveBytes = 0;
/** Each size class (elements) → when it was last taken (a counter of takes). */
const lastTaken = new Map<number, number>();
let takes = 0;
/** Each pooled-size output array → the dataId that owns it (a second owner means aliasing). */
const ownerOf = new WeakMap<Float32Array, object>();
const arrayOfBuffer = new WeakMap<ArrayBufferLike, Float32Array>();
const escaped = new WeakSet<Float32Array>();
const pinned = new Map<Float32Array, number>();
const capBytes = () => Math.max(MIN_CAP_BYTES, peakLiveBytes);
/** Allocations served from the pool and fresh, and evictions (tests and the profile read them). */
export const poolStats = {
  reused: 0, allocated: 0, evicted: 0,
  /** Bytes of the fresh allocations of pooled sizes (the ones that page-fault and zero multi-MB arrays). */
  allocatedBytes: 0,
  get pooledBytes() { return pooledBytes; },
  get capBytes() { return capBytes(); },
  get peakLiveBytes() { return peakLiveBytes; },
};

function take(n: number): Float32Array {
  if (n < MIN_POOLED) { poolStats.allocated++; return new Float32Array(n); }
  lastTaken.set(n, ++takes);
  const v = pool.get(n)?.pop();
  if (v) { pooledBytes -= v.byteLength; poolStats.reused++; return v; }
  poolStats.allocated++;
  poolStats.allocatedBytes += 4 * n;
  return new Float32Array(n);
}

/** Frees room for `bytes` by dropping arrays of the size classes taken longest ago, older than `size`'s own. */
function evictFor(bytes: number, size: number): void {
  const own = lastTaken.get(size) ?? 0;
  const older = [...pool.keys()].filter((n) => n !== size && (lastTaken.get(n) ?? 0) < own)
    .sort((a, b) => (lastTaken.get(a) ?? 0) - (lastTaken.get(b) ?? 0));
  for (const n of older) {
    const free = pool.get(n)!;
    while (free.length > 0 && pooledBytes + bytes > capBytes()) {
      pooledBytes -= free.pop()!.byteLength;
      poolStats.evicted++;
    }
    if (free.length === 0) pool.delete(n);
    if (pooledBytes + bytes <= capBytes()) return;
  }
}

/** The tensor owning `v` was deleted. */
function release(v: Float32Array): void {
  liveBytes -= v.byteLength;
  if (escaped.has(v) || pinned.has(v)) return;
  if (pooledBytes + v.byteLength > capBytes()) evictFor(v.byteLength, v.length);
  if (pooledBytes + v.byteLength > capBytes()) return;
  ownerOf.delete(v);
  let free = pool.get(v.length);
  if (!free) pool.set(v.length, (free = []));
  free.push(v);
  pooledBytes += v.byteLength;
}

/** The array behind a tensor escapes the pool (it was read out, or another tensor aliases it). */
function markEscaped(values: unknown, dataId?: object): void {
  if (!(values instanceof Float32Array)) return;
  const owner = arrayOfBuffer.get(values.buffer);
  if (!owner) return;
  if (owner !== values || dataId === undefined || ownerOf.get(owner) !== dataId) escaped.add(owner);
}

/** After a cpu kernel on the onednn backend: any output that shares an input's pooled array pins it for good. */
export function checkAliasing(backend: MathBackendCPU, outputs: TensorInfo | TensorInfo[]): void {
  for (const o of Array.isArray(outputs) ? outputs : [outputs]) {
    if (backend.data.has(o.dataId)) markEscaped(backend.data.get(o.dataId).values, o.dataId);
  }
}

/** For the backend's readSync: the caller keeps the array. */
export function escape(backend: MathBackendCPU, dataId: object): void {
  if (backend.data.has(dataId)) escaped.add(backend.data.get(dataId).values as Float32Array);
}

/** A float32 output (from the pool when one of its size is free; stale contents, to be fully written): its array
 *  for the native call and a function wrapping it as a TensorInfo. */
export function output(backend: MathBackendCPU, shape: number[]): [Float32Array, () => TensorInfo] {
  const n = sizeOf(shape);
  const v = take(n);
  return [v, () => {
    const info = backend.makeTensorInfo(shape, "float32", v);
    if (n >= MIN_POOLED) {
      ownerOf.set(v, info.dataId);
      arrayOfBuffer.set(v.buffer, v);
      liveBytes += v.byteLength;
      if (liveBytes > peakLiveBytes) peakLiveBytes = liveBytes;
    }
    return info;
  }];
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

/** `inputs`: the arrays `compute` reads, kept out of the pool until it has run or been dropped. */
export function defer(info: TensorInfo, compute: () => void, inputs: Float32Array[] = []): TensorInfo {
  if (!deferral.enabled) { compute(); return info; }
  for (const a of inputs) pinned.set(a, (pinned.get(a) ?? 0) + 1);
  let done = false;
  const release = () => {
    if (done) return;
    done = true;
    for (const a of inputs) {
      const k = (pinned.get(a) ?? 1) - 1;
      if (k > 0) pinned.set(a, k);
      else pinned.delete(a); // its tensor may be gone already: the array then goes to the garbage collector
    }
  };
  pending.set(info.dataId, () => { try { compute(); } finally { release(); } });
  dropped.set(info.dataId, release);
  return info;
}
const dropped = new WeakMap<object, () => void>();

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
    if (compute) { pending.delete(dataId); dropped.delete(dataId); compute(); }
    return get(dataId);
  };
  storage.delete = (dataId: object) => {
    if (pending.delete(dataId)) { dropped.get(dataId)?.(); dropped.delete(dataId); }
    const values = storage.has(dataId) ? get(dataId).values : undefined;
    const deleted = del(dataId);
    if (values instanceof Float32Array && ownerOf.get(values) === dataId) release(values);
    return deleted;
  };
  return storage;
}
