// What the sensitivity analyses score with: the model exported to ONNX and run in onnxruntime-node (the runtime
// the lab ships to), on labelled NHWC images — accuracy and logits, so a caller can also compare outputs.
import type * as tf from "@tensorflow/tfjs";
import type { ImageSplit } from "../../ml/data/types";
import { splitAsFloat } from "../../ml/tensors";
import { exportOnnx, type ExportOptions } from "../../onnx/export";
import { argmaxRows, runOnnx } from "../../onnx/session";

/** Labelled float images in [0, 1], NHWC, as the exporter's consumers take them. */
export interface ScoringSet {
  images: Float32Array;
  shape: [number, number, number, number];
  labels: ArrayLike<number>;
}

export interface Scored {
  accuracy: number;
  logits: Float32Array;
}

/** The first `limit` examples of a split (the validation split, for the analyses) as a scoring set. */
export function scoringSetOf(split: ImageSplit, limit: number): ScoringSet {
  const { images, shape } = splitAsFloat(split, limit);
  return { images, shape, labels: split.labels.subarray(0, shape[0]) };
}

/** Top-1 of row-major logits against labels. */
export function top1(logits: Float32Array, labels: ArrayLike<number>): number {
  const pred = argmaxRows(logits, logits.length / labels.length);
  let ok = 0;
  for (let i = 0; i < labels.length; i++) ok += pred[i] === labels[i] ? 1 : 0;
  return labels.length ? ok / labels.length : 0;
}

export async function scoreOnnx(bytes: Uint8Array, set: ScoringSet): Promise<Scored> {
  const { output } = await runOnnx(bytes, set.images, set.shape, 256);
  return { accuracy: top1(output, set.labels), logits: output };
}

/** Export `model` (FP32 or INT8 per `opts`) and score it in ORT. */
export async function scoreModel(model: tf.LayersModel, opts: ExportOptions, set: ScoringSet): Promise<Scored> {
  return scoreOnnx(exportOnnx(model, opts), set);
}

/**
 * Signal-to-quantization-noise ratio of `test` against `reference`, in dB: 10·log10(Σ ref² / Σ (ref − test)²).
 * null when the two are identical (no measurable noise) — JSON has no Infinity.
 */
export function sqnrDb(reference: Float32Array, test: Float32Array): number | null {
  if (reference.length !== test.length) throw new Error(`sqnrDb: ${reference.length} vs ${test.length} values`);
  let signal = 0;
  let noise = 0;
  for (let i = 0; i < reference.length; i++) {
    signal += reference[i] * reference[i];
    const d = reference[i] - test[i];
    noise += d * d;
  }
  if (noise === 0) return null;
  return 10 * Math.log10(signal / noise);
}
