// An uploaded model file, whatever its format (told by its content, never its name): ONNX, or a TF.js Layers
// model as a zip (zip magic bytes). Both become a trainable tfjs LayersModel plus what the upload check compares
// it with in onnxruntime: the ONNX file itself, or for a TF.js model the ONNX every stage of a run exports from it.
import type * as tf from "@tensorflow/tfjs";
import { env } from "../env";
import { exportOnnx } from "../onnx/export";
import { importOnnx, operatorCounts } from "../onnx/import/import-onnx";
import { modelFormatOf, type ModelFormat } from "./model-format";
import { loadTfjsZip } from "./tfjs-zip";

export interface OpenedModel {
  format: ModelFormat;
  model: tf.LayersModel;
  /** [height, width, channels] of one image. */
  inputShape: [number, number, number];
  numClasses: number;
  /** ONNX operators, or TF.js layer classes, with their counts. */
  operators: Record<string, number>;
  /** The ONNX the converted model must compute the same as. */
  reference: () => Uint8Array;
}

/** A zip of one model: model.json and its shards; a model that passes the upload size limit fits twice over. */
const zipLimits = () => ({ maxEntries: 256, maxUnpackedBytes: 2 * env().MODEL_UPLOAD_MAX_BYTES });

export async function openModel(bytes: Uint8Array): Promise<OpenedModel> {
  if (modelFormatOf(bytes) === "onnx") {
    const { model, graph, inputShape, numClasses } = importOnnx(bytes);
    return { format: "onnx", model, inputShape, numClasses, operators: operatorCounts(graph), reference: () => bytes };
  }
  const model = await loadTfjsZip(bytes, zipLimits());
  const [, h, w, c] = model.inputs[0].shape as number[];
  const operators: Record<string, number> = {};
  for (const l of model.layers) if (l.getClassName() !== "InputLayer") operators[l.getClassName()] = (operators[l.getClassName()] ?? 0) + 1;
  return { format: "tfjs", model, inputShape: [h, w, c], numClasses: model.outputs[0].shape[1] as number, operators, reference: () => exportOnnx(model, { precision: "fp32" }) };
}
