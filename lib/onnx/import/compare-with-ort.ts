// The check before anything runs: the converted model must compute what onnxruntime computes on the uploaded
// file itself, image for image. Thresholds are the issue's: max |Δlogit| ≤ 1e-4 and identical top-1.
import type * as tf from "@tensorflow/tfjs";
import { argmaxRows, runOnnx } from "../session";
import { predictTfjs } from "../verify";

export const IMPORT_TOLERANCE = { maxAbsDiff: 1e-4, top1Agreement: 1 } as const;

export interface ImportCheck {
  images: number;
  maxAbsDiff: number;
  top1Agreement: number;
  passed: boolean;
}

/** `images` are NHWC floats, already preprocessed as the model expects. */
export async function compareWithOrt(model: tf.LayersModel, onnx: Uint8Array, images: Float32Array, shape: [number, number, number, number]): Promise<ImportCheck> {
  const ours = predictTfjs(model, images, shape);
  const { output: theirs, width } = await runOnnx(onnx, images, shape);
  let maxAbsDiff = 0;
  for (let i = 0; i < ours.length; i++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(ours[i] - theirs[i]));
  const a = argmaxRows(ours, width);
  const b = argmaxRows(theirs, width);
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  const top1Agreement = same / shape[0];
  return { images: shape[0], maxAbsDiff, top1Agreement, passed: maxAbsDiff <= IMPORT_TOLERANCE.maxAbsDiff && top1Agreement >= IMPORT_TOLERANCE.top1Agreement };
}
