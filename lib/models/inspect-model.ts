// What the upload of a model finds out, given the file and the dataset it is checked on: the conversion (or the
// refusal naming the operator), the converter-vs-onnxruntime check, accuracy on the test split, size and cost,
// and which techniques apply. Runs in a child process (inspect-child.ts), never on the web server's event loop.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as tf from "@tensorflow/tfjs";
import { AppError } from "../errors";
import { setupBackend } from "../ml/backend";
import { loadDatasetAsync, type DatasetDescriptor } from "../ml/data/load-dataset";
import { modelStats } from "../ml/model-stats";
import { argmaxRows } from "../ml/evaluate";
import { predictTfjs } from "../onnx/verify";
import { compareWithOrt, type ImportCheck } from "../onnx/import/compare-with-ort";
import { OnnxReadError } from "../onnx/import/read-onnx";
import { UnsupportedOperatorError } from "../onnx/import/unsupported";
import { UnsupportedLayerError } from "../onnx/layers";
import type { ModelFormat } from "./model-format";
import { openModel, type OpenedModel } from "./open-model";
import { TfjsModelError } from "./tfjs-zip";
import { preprocessingIssue, preprocessSplit } from "./preprocess";
import type { Preprocessing } from "./schemas";
import { techniqueFit, type TechniqueFit } from "./technique-fit";

export interface ModelSummary {
  format: ModelFormat;
  sha256: string;
  bytes: number;
  /** The uploaded file's input without the batch: [c, h, w] (ONNX, NCHW) or [h, w, c] (TF.js, NHWC). */
  inputShape: number[];
  layout: "NCHW" | "NHWC";
  classes: number;
  params: number;
  macs: number;
  operators: Record<string, number>;
  techniques: Record<string, TechniqueFit>;
  check: ImportCheck;
  accuracy: number;
  testImages: number;
  hint?: string;
}

export interface InspectModelInput {
  file: string;
  dataset: DatasetDescriptor;
  preprocessing: Preprocessing;
  testImages: number;
}

const unprocessable = (message: string) => new AppError("unprocessable", message);

export async function inspectModel({ file, dataset, preprocessing, testImages }: InspectModelInput): Promise<ModelSummary> {
  await setupBackend();
  const bytes = new Uint8Array(readFileSync(file));
  let opened: OpenedModel;
  try {
    opened = await openModel(bytes);
  } catch (e) {
    if (e instanceof UnsupportedOperatorError || e instanceof OnnxReadError || e instanceof TfjsModelError) throw unprocessable(e.message);
    throw e;
  }
  const { format, model, inputShape, numClasses, operators } = opened;
  try {
    const data = await loadDatasetAsync(dataset);
    const [h, w, c] = data.test.shape;
    if (inputShape[0] !== h || inputShape[1] !== w || inputShape[2] !== c) {
      throw unprocessable(`the model takes ${inputShape[2]}×${inputShape[0]}×${inputShape[1]} (C×H×W) images, the dataset "${dataset.id}" has ${c}×${h}×${w}`);
    }
    if (numClasses !== data.classes.length) throw unprocessable(`the model outputs ${numClasses} classes, the dataset "${dataset.id}" has ${data.classes.length}`);
    const issue = preprocessingIssue(preprocessing, c);
    if (issue) throw new AppError("bad_request", `preprocessing: ${issue}`);

    const { images, shape } = preprocessSplit(data.test, testImages, preprocessing);
    let reference: Uint8Array;
    try {
      reference = opened.reference();
    } catch (e) {
      if (e instanceof UnsupportedLayerError) throw unprocessable(e.message); // e.g. an activation with no ONNX form
      throw e;
    }
    const check = await compareWithOrt(model, reference, images, shape);
    if (!check.passed) {
      throw unprocessable(`the converted model does not compute what onnxruntime computes on the file (max |Δlogit| ${check.maxAbsDiff.toExponential(2)}, top-1 agreement ${(check.top1Agreement * 100).toFixed(1)} %); please report the model`);
    }
    const predicted = argmaxRows(predictTfjs(model, images, shape), numClasses);
    let correct = 0;
    for (let i = 0; i < predicted.length; i++) if (predicted[i] === data.test.labels[i]) correct++;
    const accuracy = correct / predicted.length;
    const stats = modelStats(model);
    // Near chance is almost always a preprocessing mismatch (e.g. a model trained on normalised inputs given p / 255).
    const hint = accuracy < 2 / numClasses
      ? `accuracy ${(accuracy * 100).toFixed(1)} % is near chance (${(100 / numClasses).toFixed(1)} %): check the preprocessing (scale=${preprocessing.scale}, mean=${preprocessing.mean}, std=${preprocessing.std}) against how the model was trained`
      : undefined;
    return {
      format,
      sha256: createHash("sha256").update(bytes).digest("hex"),
      bytes: bytes.byteLength,
      inputShape: format === "onnx" ? [c, h, w] : [h, w, c],
      layout: format === "onnx" ? "NCHW" : "NHWC",
      classes: numClasses,
      params: stats.params,
      macs: stats.macs,
      operators,
      techniques: techniqueFit(model),
      check,
      accuracy,
      testImages: shape[0],
      hint,
    };
  } finally {
    model.dispose();
    tf.disposeVariables();
  }
}
