// The check before anything runs: the converted model must compute what onnxruntime computes on the uploaded
// file itself, image for image: max |Δlogit| ≤ 1e-4 and identical top-1. float32 rounding grows with the values, so
// for logits larger than 1 in magnitude (e.g. a model fed un-normalised pixels) the 1e-4 is relative to the largest.
import type * as tf from "@tensorflow/tfjs";
import { argmaxRows, top1Accuracy } from "../../ml/evaluate";
import { runOnnx } from "../session";
import { predictTfjs } from "../verify";

export const IMPORT_TOLERANCE = { maxAbsDiff: 1e-4, top1Agreement: 1 } as const;

export interface ImportCheck {
  images: number;
  maxAbsDiff: number;
  /** max |logit| of onnxruntime's outputs: the tolerance is 1e-4 × max(1, this). */
  logitScale: number;
  top1Agreement: number;
  passed: boolean;
}

/** `images` are NHWC floats, already preprocessed as the model expects. */
export async function compareWithOrt(model: tf.LayersModel, onnx: Uint8Array, images: Float32Array, shape: [number, number, number, number]): Promise<ImportCheck> {
  const ours = predictTfjs(model, images, shape);
  const { output: theirs, width } = await runOnnx(onnx, images, shape);
  let maxAbsDiff = 0;
  let logitScale = 0;
  for (let i = 0; i < ours.length; i++) {
    maxAbsDiff = Math.max(maxAbsDiff, Math.abs(ours[i] - theirs[i]));
    logitScale = Math.max(logitScale, Math.abs(theirs[i]));
  }
  const top1Agreement = top1Accuracy(argmaxRows(ours, width), argmaxRows(theirs, width));
  const passed = maxAbsDiff <= IMPORT_TOLERANCE.maxAbsDiff * Math.max(1, logitScale) && top1Agreement >= IMPORT_TOLERANCE.top1Agreement;
  return { images: shape[0], maxAbsDiff, logitScale, top1Agreement, passed };
}
