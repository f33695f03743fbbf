/**
 * The INT8 export simulated in tfjs, in float arithmetic with QDQ semantics: every activation the exporter
 * quantizes is rounded to its grid and back — `(clip(round(x / s) + zp, qmin, qmax) − zp) · s`, with the scale and
 * zero point the file holds (`QuantizationPlan`) — and every Conv/Dense kernel is put on its per-channel int8 grid
 * with the exporter's formula (scale = max|w| / 127, or / 63: lib/onnx/int8-weight-range.ts), except the layers the export left FP32. ORT runs the same quantization with integer kernels, so
 * the two must agree up to requantization rounding: comparing them checks the export, not the cost of INT8
 * (that is the FP32 model vs ORT, measured separately).
 *
 * Not simulated: the int32 bias rounding (at most half of input scale × weight scale, far below one activation
 * step). The model must already have its BatchNorms folded (as the quantize stage does), because the
 * exporter would otherwise quantize folded weights the tfjs model does not hold.
 */
import * as tf from "@tensorflow/tfjs";
import { fakeQuantWeights } from "../compress/fake-quant";
import { runGraph } from "../compress/model-graph";
import { predictInBatches } from "../ml/tensors";
import { planGraph } from "./export";
import type { QuantizationPlan } from "./quantize";
import type { QParams } from "./quantize-weights";

/** x on its per-tensor grid and back, exactly as QuantizeLinear → DequantizeLinear (round half to even). */
export function quantizeDequantize(x: tf.Tensor, qp: QParams, type: QuantizationPlan["activationType"]): tf.Tensor {
  const [qmin, qmax] = type === "uint8" ? [0, 255] : [-128, 127];
  return tf.tidy(() => tf.mul(tf.sub(tf.clipByValue(tf.add(tf.round(tf.div(x, qp.scale)), qp.zeroPoint), qmin, qmax), qp.zeroPoint), qp.scale));
}

/** Why this model cannot be simulated faithfully, or null. */
export function simulationProblem(model: tf.LayersModel, plan: QuantizationPlan): string | null {
  const folded = planGraph(model).find((e) => e.foldBn);
  if (folded) return `BatchNorm after ${folded.layer.name} is folded only in the export; fold it in the model first`;
  const separable = model.layers.find((l) => l.getClassName() === "SeparableConv2D");
  if (separable) return `SeparableConv2D ${separable.name} has two kernels the simulation does not quantize`;
  const shared = [...plan.activations.keys()].find((k) => k.includes("#"));
  if (shared) return `activation ${shared} belongs to a shared layer`;
  return null;
}

/** Logits of the simulated INT8 model for NHWC images, row-major [n, classes]. */
export function simulateInt8(
  model: tf.LayersModel,
  plan: QuantizationPlan,
  images: Float32Array,
  shape: readonly [number, number, number, number],
  batchSize = 64,
): Float32Array {
  const problem = simulationProblem(model, plan);
  if (problem) throw new Error(`INT8 simulation: ${problem}`);
  const keyOf = (layer: tf.layers.Layer) => (layer.inboundNodes.length === 1 ? layer.name : undefined);
  const hooks = {
    kernel: (layer: tf.layers.Layer, kernel: tf.Tensor) => (plan.fp32Layers.has(layer.name) ? kernel : fakeQuantWeights(kernel, layer.getClassName())),
    output: (layer: tf.layers.Layer, y: tf.Tensor) => {
      const key = keyOf(layer);
      const qp = key === undefined ? undefined : plan.activations.get(key);
      return qp ? quantizeDequantize(y, qp, plan.activationType) : y;
    },
  };
  return predictInBatches((x) => runGraph(model, x, false, hooks), images, shape, batchSize);
}
