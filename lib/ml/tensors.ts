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

/** `forward` over NHWC images in batches, inside tf.tidy, concatenated into one flat array (nothing left behind). */
export function predictInBatches(forward: (x: tf.Tensor4D) => tf.Tensor, images: Float32Array, shape: readonly number[], batchSize = 64): Float32Array {
  const [n, h, w, c] = shape;
  const chunks: Float32Array[] = [];
  for (let s = 0; s < n; s += batchSize) {
    const b = Math.min(batchSize, n - s);
    const y = tf.tidy(() => forward(tf.tensor4d(images.subarray(s * h * w * c, (s + b) * h * w * c), [b, h, w, c])));
    chunks.push(y.dataSync() as Float32Array);
    y.dispose();
  }
  const out = new Float32Array(chunks.reduce((a, x) => a + x.length, 0));
  let o = 0;
  for (const ch of chunks) (out.set(ch, o), (o += ch.length));
  return out;
}
