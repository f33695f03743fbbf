import * as tf from "@tensorflow/tfjs";
import type { ImageSplit } from "./data/types";
import { imageBatch } from "./tensors";

export interface Evaluation {
  accuracy: number;
  top5: number;
  perClassAccuracy: number[];
  /** confusion[true][predicted] counts */
  confusion: number[][];
  count: number;
}

/** The model's logits for every example of the split, in order, batch by batch. */
export function predictLogits(model: tf.LayersModel, split: ImageSplit, batchSize = 256): Float32Array {
  let out: Float32Array | undefined;
  let classes = 0;
  for (let start = 0; start < split.count; start += batchSize) {
    const end = Math.min(split.count, start + batchSize);
    const logits = tf.tidy(() => model.predict(imageBatch(split, start, end)) as tf.Tensor2D);
    const values = logits.dataSync() as Float32Array;
    classes = logits.shape[1];
    logits.dispose();
    out ??= new Float32Array(split.count * classes);
    out.set(values, start * classes);
  }
  return out ?? new Float32Array(0);
}

/** Top-1, top-5, per-class accuracy and the confusion matrix from logits and true labels. */
export function scoreLogits(logits: Float32Array, labels: ArrayLike<number>, numClasses: number): Evaluation {
  const count = labels.length;
  const confusion = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  let top1 = 0;
  let top5 = 0;
  for (let i = 0; i < count; i++) {
    const row = logits.subarray(i * numClasses, (i + 1) * numClasses);
    const truth = labels[i];
    let best = 0;
    let higher = 0;
    for (let k = 0; k < numClasses; k++) {
      if (row[k] > row[best]) best = k;
      if (row[k] > row[truth]) higher++;
    }
    confusion[truth][best]++;
    if (best === truth) top1++;
    if (higher < 5) top5++;
  }
  const perClassAccuracy = confusion.map((row, k) => {
    const total = row.reduce((a, b) => a + b, 0);
    return total ? row[k] / total : 0;
  });
  return { accuracy: count ? top1 / count : 0, top5: count ? top5 / count : 0, perClassAccuracy, confusion, count };
}

export function evaluate(model: tf.LayersModel, split: ImageSplit, numClasses: number): Evaluation {
  return scoreLogits(predictLogits(model, split), split.labels, numClasses);
}
