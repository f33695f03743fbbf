import * as tf from "@tensorflow/tfjs";
import type { ImageSplit } from "./data/types";
import { predictSplit } from "./tensors";

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
  return predictSplit((x) => model.predict(x) as tf.Tensor, split, batchSize);
}

/** The class of each row of row-major [n, width] scores: its first maximum (as tf.argMax breaks ties). */
export function argmaxRows(x: Float32Array | Float64Array, width: number): Int32Array {
  const n = x.length / width;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < width; j++) if (x[i * width + j] > x[i * width + best]) best = j;
    out[i] = best;
  }
  return out;
}

/** Share of predicted classes equal to the labels (0 for none). */
export function top1Accuracy(predicted: ArrayLike<number>, labels: ArrayLike<number>): number {
  if (predicted.length !== labels.length) throw new Error(`top1Accuracy: ${predicted.length} predictions for ${labels.length} labels`);
  let ok = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) ok++;
  return labels.length ? ok / labels.length : 0;
}

/** Top-1 accuracy of `predict` (logits) on a split: validation during training, NAS proxies. */
export function accuracyOn(predict: (x: tf.Tensor4D) => tf.Tensor2D, split: ImageSplit, batchSize = 256): number {
  if (!split.count) return 0;
  const logits = predictSplit(predict, split, batchSize);
  return top1Accuracy(argmaxRows(logits, logits.length / split.count), split.labels);
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
