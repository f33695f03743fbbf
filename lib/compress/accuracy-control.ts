// Mixed-precision INT8 with accuracy control (NNCF's quantize_with_accuracy_control, Intel Neural Compressor's
// revert-by-impact tuning): when the all-INT8 model loses more validation top-1 than the budget allows, leave
// the layers that cost most in FP32 — most sensitive first, by the per-layer INT8 sensitivity of
// sensitivity/quantization-sensitivity.ts (only that layer INT8, measured in onnxruntime) — one at a time,
// measuring the mixed model in onnxruntime after each, until it is within budget or nothing is left to revert.
// The exporter leaves those layers float (QuantizationParams.fp32Layers); their kernels get back the float values
// they had before being put on the int8 grid, so the FP32 layers really are FP32.
import type * as tf from "@tensorflow/tfjs";
import type { CalibrateOptions } from "../onnx/calibrate";
import type { QuantizationParams } from "../onnx/quantize";
import { kernelLayers, kernelVariable } from "./model-graph";
import { scoreModel, type ScoringSet } from "./sensitivity/evaluate-onnx-split";
import { quantizationSensitivity } from "./sensitivity/quantization-sensitivity";

export interface Fp32Layer {
  layer: string;
  className: string;
  /** Validation top-1 lost with only this layer INT8 (its sensitivity), in percentage points. */
  costAlonePp: number;
  /** Validation top-1 of the mixed model once this layer (and the ones before it) stayed FP32. */
  accuracyAfter: number;
}

export interface AccuracyControl {
  /** The budget, in percentage points of validation top-1 against `referenceAccuracy`. */
  maxAccuracyDropPp: number;
  referenceAccuracy: number;
  validationImages: number;
  allInt8Accuracy: number;
  /** The shipped model's validation top-1 and its drop (pp). */
  accuracy: number;
  accuracyDropPp: number;
  withinBudget: boolean;
  /** In the order they were left FP32 (empty when all-INT8 was within budget). */
  fp32Layers: Fp32Layer[];
}

export interface AccuracyControlOptions {
  /** Percentage points of validation top-1 the INT8 model may lose against `referenceAccuracy`. */
  maxAccuracyDropPp: number;
  /** What the drop is measured from: the float model's validation top-1 (quantize), or the run baseline's (auto). */
  referenceAccuracy: number;
  val: ScoringSet;
  /** Training images the sensitivity analysis calibrates on (never validation or test images). */
  calibrationImages: Float32Array;
  calibration: Omit<CalibrateOptions, "batchSize" | "bins">;
  log?: (line: string) => void;
  /** Checked between measurements (throw to stop: cancellation). */
  onStep?: () => Promise<void> | void;
}

/**
 * `model` holds kernels on their int8 grid (what `quantization` exports); `float` the same model before they were
 * put there. Returns the accuracy-controlled quantization (with `fp32Layers`) and what it cost; the FP32 layers'
 * kernels in `model` are restored from `float`.
 */
export async function controlAccuracy(model: tf.LayersModel, float: tf.LayersModel, quantization: QuantizationParams, opts: AccuracyControlOptions): Promise<{ quantization: QuantizationParams; report: AccuracyControl }> {
  const budget = opts.maxAccuracyDropPp / 100;
  const drop = (accuracy: number) => opts.referenceAccuracy - accuracy;
  const allInt8 = (await scoreModel(model, { precision: "int8", quantization }, opts.val)).accuracy;
  const report: AccuracyControl = {
    maxAccuracyDropPp: opts.maxAccuracyDropPp, referenceAccuracy: opts.referenceAccuracy, validationImages: opts.val.shape[0],
    allInt8Accuracy: allInt8, accuracy: allInt8, accuracyDropPp: drop(allInt8) * 100, withinBudget: drop(allInt8) <= budget + 1e-12, fp32Layers: [],
  };
  opts.log?.(`accuracy control: all-INT8 validation top-1 ${(allInt8 * 100).toFixed(2)}% (reference ${(opts.referenceAccuracy * 100).toFixed(2)}%, budget ${opts.maxAccuracyDropPp} pp)`);
  if (report.withinBudget) return { quantization, report };

  await opts.onStep?.();
  const sensitivity = await quantizationSensitivity(float, opts.val, { ...opts.calibration, calibrationImages: opts.calibrationImages, onLayer: () => opts.onStep?.() });
  const floatKernels = new Map(kernelLayers(float).map((l) => [l.name, kernelVariable(l)!]));
  const fp32Layers: string[] = [];
  for (const s of sensitivity.layers) {
    await opts.onStep?.();
    fp32Layers.push(s.layer);
    const kernel = kernelVariable(model.getLayer(s.layer));
    const original = floatKernels.get(s.layer);
    if (kernel && original) kernel.assign(original);
    const accuracy = (await scoreModel(model, { precision: "int8", quantization: { ...quantization, fp32Layers } }, opts.val)).accuracy;
    report.fp32Layers.push({ layer: s.layer, className: s.className, costAlonePp: s.accuracyDrop * 100, accuracyAfter: accuracy });
    Object.assign(report, { accuracy, accuracyDropPp: drop(accuracy) * 100, withinBudget: drop(accuracy) <= budget + 1e-12 });
    opts.log?.(`accuracy control: ${s.layer} (${s.className}, ${(s.accuracyDrop * 100).toFixed(2)} pp alone) left FP32 → ${(accuracy * 100).toFixed(2)}%`);
    if (report.withinBudget) break;
  }
  return { quantization: { ...quantization, fp32Layers }, report };
}
