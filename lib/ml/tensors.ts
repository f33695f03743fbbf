import * as tf from "@tensorflow/tfjs";
import type { ImageSplit } from "./data/types";

/** Examples [start, end) of a split as a float NHWC batch scaled to [0, 1] — the preprocessing every model and export uses. */
export function imageBatch(split: ImageSplit, start: number, end: number, order?: ArrayLike<number>): tf.Tensor4D {
  const [h, w, c] = split.shape;
  const size = h * w * c;
  const n = end - start;
  const values = new Float32Array(n * size);
  for (let i = 0; i < n; i++) {
    const from = order ? order[start + i] : start + i;
    const src = split.images.subarray(from * size, (from + 1) * size);
    const offset = i * size;
    for (let j = 0; j < size; j++) values[offset + j] = src[j] / 255;
  }
  return tf.tensor4d(values, [n, h, w, c]);
}

export function labelBatch(split: ImageSplit, start: number, end: number, order?: ArrayLike<number>): tf.Tensor1D {
  const labels = new Int32Array(end - start);
  for (let i = 0; i < labels.length; i++) labels[i] = split.labels[order ? order[start + i] : start + i];
  return tf.tensor1d(labels, "int32");
}

/** The first `limit` examples of a split as float NHWC values in [0, 1] (for onnxruntime and verification). */
export function splitAsFloat(split: ImageSplit, limit = split.count): { images: Float32Array; shape: [number, number, number, number] } {
  const n = Math.min(limit, split.count);
  const [h, w, c] = split.shape;
  const images = new Float32Array(n * h * w * c);
  for (let i = 0; i < images.length; i++) images[i] = split.images[i] / 255;
  return { images, shape: [n, h, w, c] };
}

/**
 * `forward` over examples [0, n) in batches — each built by `batchAt(start, end)` and run inside tf.tidy — with
 * the outputs concatenated row-major into one flat array (nothing left behind). The one batched-inference loop:
 * evaluation, validation accuracy, ONNX verification and the INT8 simulation all go through it.
 */
export function predictBatched(forward: (x: tf.Tensor4D) => tf.Tensor, n: number, batchAt: (start: number, end: number) => tf.Tensor4D, batchSize: number): Float32Array {
  const chunks: Float32Array[] = [];
  for (let s = 0; s < n; s += batchSize) {
    const y = tf.tidy(() => forward(batchAt(s, Math.min(n, s + batchSize))));
    chunks.push(y.dataSync() as Float32Array);
    y.dispose();
  }
  const out = new Float32Array(chunks.reduce((a, x) => a + x.length, 0));
  let o = 0;
  for (const ch of chunks) (out.set(ch, o), (o += ch.length));
  return out;
}

/** `forward` over float NHWC images (already scaled), in batches. */
export function predictInBatches(forward: (x: tf.Tensor4D) => tf.Tensor, images: Float32Array, shape: readonly number[], batchSize = 64): Float32Array {
  const [n, h, w, c] = shape;
  const size = h * w * c;
  return predictBatched(forward, n, (s, e) => tf.tensor4d(images.subarray(s * size, e * size), [e - s, h, w, c]), batchSize);
}

/** `forward` over every example of a split, in order, preprocessed as `imageBatch` does. */
export function predictSplit(forward: (x: tf.Tensor4D) => tf.Tensor, split: ImageSplit, batchSize = 256): Float32Array {
  return predictBatched(forward, split.count, (s, e) => imageBatch(split, s, e), batchSize);
}
