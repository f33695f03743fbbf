// Per-layer INT8 sensitivity (AIMET's QuantAnalyzer, ExecuTorch's per-layer SQNR, NNCF's accuracy-control ranking):
// for each weight layer L, export the model with ONLY L in INT8 (every other layer FP32 via the exporter's
// `fp32Layers`), run it in onnxruntime-node on the validation images and measure
//   - the top-1 drop against the FP32 export on the same images, and
//   - the SQNR of the model's output (logits) against the FP32 export's — the noise L's quantization alone adds
//     to what the model answers (finer than accuracy on a small validation set, which moves in 1/n steps).
// "L in INT8" is what the all-INT8 export does at L: its kernel on the per-channel int8 grid and the activations
// it reads rounded with the calibrated per-tensor scale. Ranges come from one calibration of the whole model
// on training images, so every row is one piece of the same all-INT8 model (also measured, as a reference).
import type * as tf from "@tensorflow/tfjs";
import { calibrate, type CalibrateOptions } from "../../onnx/calibrate";
import type { QuantizationParams } from "../../onnx/quantize";
import { kernelLayers } from "../model-graph";
import { scoreModel, sqnrDb, type ScoringSet } from "./evaluate-onnx-split";

export interface QuantizationSensitivityOptions extends Omit<CalibrateOptions, "batchSize" | "bins"> {
  /** Training images (NHWC, [0, 1]) to calibrate activation ranges on — never validation or test images. */
  calibrationImages: Float32Array;
  /** Layers to measure (default: every Conv2D / DepthwiseConv2D / Dense, in graph order). */
  layers?: string[];
  /** Called after each measured layer (progress, cancellation: throw to stop). */
  onLayer?: (done: number, total: number) => Promise<void> | void;
}

export interface LayerQuantizationSensitivity {
  layer: string;
  className: string;
  /** Validation top-1 with only this layer INT8. */
  int8Accuracy: number;
  /** FP32 top-1 − int8Accuracy (accuracy units; negative when INT8 happens to score higher). */
  accuracyDrop: number;
  /** SQNR of the logits with only this layer INT8 vs FP32, dB; null when identical. Lower = more sensitive. */
  outputSqnrDb: number | null;
}

export interface QuantizationSensitivity {
  images: number;
  fp32Accuracy: number;
  /** The whole model INT8 (every layer, adds and pools included), for reference. */
  allInt8Accuracy: number;
  allInt8SqnrDb: number | null;
  /** The calibration every row used (ranges keyed like the exporter's). */
  quantization: QuantizationParams;
  /** Most sensitive first: largest accuracy drop, then lowest SQNR. */
  layers: LayerQuantizationSensitivity[];
}

/** Order: larger drop first; on a tie (small validation sets), the noisier output first. */
export function bySensitivity(a: LayerQuantizationSensitivity, b: LayerQuantizationSensitivity): number {
  return b.accuracyDrop - a.accuracyDrop || (a.outputSqnrDb ?? Infinity) - (b.outputSqnrDb ?? Infinity) || a.layer.localeCompare(b.layer);
}

export async function quantizationSensitivity(
  model: tf.LayersModel,
  val: ScoringSet,
  opts: QuantizationSensitivityOptions,
): Promise<QuantizationSensitivity> {
  const { calibrationImages, layers: only, onLayer, ...calibration } = opts;
  const quantization = await calibrate(model, calibrationImages, calibration);
  const fp32 = await scoreModel(model, { precision: "fp32" }, val);
  const all = await scoreModel(model, { precision: "int8", quantization }, val);
  const names = only ?? kernelLayers(model).map((l) => l.name);
  const everyLayer = model.layers.map((l) => l.name);
  const rows: LayerQuantizationSensitivity[] = [];
  for (const [i, name] of names.entries()) {
    const layer = model.getLayer(name);
    const fp32Layers = everyLayer.filter((n) => n !== name);
    const r = await scoreModel(model, { precision: "int8", quantization: { ...quantization, fp32Layers } }, val);
    rows.push({
      layer: name,
      className: layer.getClassName(),
      int8Accuracy: r.accuracy,
      accuracyDrop: fp32.accuracy - r.accuracy,
      outputSqnrDb: sqnrDb(fp32.logits, r.logits),
    });
    await onLayer?.(i + 1, names.length);
  }
  return {
    images: val.shape[0],
    fp32Accuracy: fp32.accuracy,
    allInt8Accuracy: all.accuracy,
    allInt8SqnrDb: sqnrDb(fp32.logits, all.logits),
    quantization,
    layers: rows.sort(bySensitivity),
  };
}
