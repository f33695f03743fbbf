// INT8 quantization. Both modes first fold BatchNorm into the preceding convolution (as the exporter would),
// so the weights this stage puts on the int8 grid are exactly the weights the INT8 ONNX file holds:
//   ptq: calibrate activation ranges on N training images (lib/onnx/calibrate: minmax | percentile | entropy);
//   qat: start from minmax ranges, fine-tune with fake-quant on weights (per channel) and activations (per
//        tensor, moving-average ranges) using a straight-through estimator, then keep the learned ranges.
// The result is an fp32 tfjs model whose kernels already lie on their int8 grids, plus QuantizationParams for
// exportOnnx({ precision: "int8" }).
import * as tf from "@tensorflow/tfjs";
import type { ImageSplit } from "../ml/data/types";
import { pick } from "../ml/data/subset";
import { permutation } from "../ml/random";
import { splitAsFloat } from "../ml/tensors";
import { calibrate } from "../onnx/calibrate";
import { buildGraph, calibrationKey } from "../onnx/export";
import type { QuantizationParams } from "../onnx/quantize";
import { activationQParams, fakeQuantActivation, fakeQuantWeights } from "./fake-quant";
import { fineTune, trainableVariables } from "./fine-tune";
import { foldBatchNorm, kernelLayers, kernelVariable, runGraph, type GraphHooks } from "./model-graph";
import { QuantizeParams } from "./quantize.schema";
import { throwIfCancelled } from "./cancel";
import type { StageResult, Technique, TechniqueContext } from "./types";

/** N training images in a seeded order (calibration must never see test images). */
export function calibrationImages(train: ImageSplit, n: number, seed: number): Float32Array {
  const chosen = pick(train, permutation(train.count, seed * 31 + 7).subarray(0, Math.min(n, train.count)));
  return splitAsFloat(chosen).images;
}

/** Put every kernel on its per-channel int8 grid (in place): what the INT8 export will hold. */
export function snapKernels(model: tf.LayersModel): void {
  for (const layer of kernelLayers(model)) {
    const v = kernelVariable(layer)!;
    tf.tidy(() => v.assign(fakeQuantWeights(v, layer.getClassName())));
  }
}

/** Layers whose output the INT8 graph quantizes: all but those feeding only a ReLU (fused) and the logits. */
function quantizedOutputs(model: tf.LayersModel): tf.layers.Layer[] {
  const outputLayers = new Set(model.outputs.map((t) => t.sourceLayer.name));
  return model.layers.filter((l) => {
    if (outputLayers.has(l.name) || l.inboundNodes.length !== 1) return false;
    const consumers = l.outboundNodes.map((n) => n.outboundLayer.getClassName());
    return !(consumers.length === 1 && (consumers[0] === "ReLU" || consumers[0] === "Activation"));
  });
}

const EMA_DECAY = 0.99;

async function quantizationAwareTraining(model: tf.LayersModel, initial: QuantizationParams, params: QuantizeParams, ctx: TechniqueContext): Promise<QuantizationParams> {
  const type = params.activationType;
  const observed = quantizedOutputs(model);
  const ranges = new Map<string, { min: tf.Variable; max: tf.Variable }>();
  for (const layer of observed) {
    const key = calibrationKey(layer.inboundNodes[0].outputTensors[0]);
    const r = initial.activationRanges[key];
    // tidy: tf.variable keeps the data but the scalar it was made from would otherwise stay alive.
    if (r) ranges.set(layer.name, tf.tidy(() => ({ min: tf.variable(tf.scalar(r.min), false), max: tf.variable(tf.scalar(r.max), false) })));
  }
  const hooks = (training: boolean): GraphHooks => ({
    kernel: (layer, kernel) => fakeQuantWeights(kernel, layer.getClassName()),
    output: (layer, y) => {
      const r = ranges.get(layer.name);
      if (!r) return y;
      if (training) {
        // Moving-average ranges (tfmot's MovingAverageQuantizer); updated outside the gradient path.
        r.min.assign(tf.add(tf.mul(r.min, EMA_DECAY), tf.mul(tf.min(y), 1 - EMA_DECAY)));
        r.max.assign(tf.add(tf.mul(r.max, EMA_DECAY), tf.mul(tf.max(y), 1 - EMA_DECAY)));
      }
      return fakeQuantActivation(y, activationQParams(r.min as tf.Scalar, r.max as tf.Scalar, type));
    },
  });
  // The model input has its own range (images in [0, 1]); the exporter quantizes it in front of the first conv.
  const inputKey = calibrationKey(model.inputs[0]);
  try {
    await fineTune(ctx, {
      epochs: params.epochs,
      learningRate: params.learningRate,
      variables: trainableVariables(model),
      // The moving-average ranges change every step outside the optimizer: the checkpoint keeps them too.
      state: [...ranges.values()].flatMap((r) => [r.min, r.max]),
      logits: (x) => runGraph(model, x, true, hooks(true)) as tf.Tensor2D,
      predict: (x) => runGraph(model, x, false, hooks(false)) as tf.Tensor2D,
      // the hooks see each layer's output: BatchNorm and ReLU stay two layers
      fastPaths: { model },
      checkpoint: "qat",
    });
    const activationRanges = { ...initial.activationRanges };
    for (const layer of observed) {
      const r = ranges.get(layer.name);
      if (r) activationRanges[calibrationKey(layer.inboundNodes[0].outputTensors[0])] = { min: r.min.dataSync()[0], max: r.max.dataSync()[0] };
    }
    activationRanges[inputKey] = initial.activationRanges[inputKey];
    return { ...initial, activationRanges, method: "qat" };
  } finally {
    for (const r of ranges.values()) tf.dispose([r.min, r.max]);
  }
}

async function apply(input: tf.LayersModel, params: QuantizeParams, ctx: TechniqueContext): Promise<StageResult> {
  throwIfCancelled(ctx);
  const { model, folded } = await foldBatchNorm(input);
  try {
    ctx.log(`quantize: folded ${folded} BatchNorm layers; ${params.mode} with ${params.calibration} calibration on ${params.calibrationImages} training images`);
    await ctx.onProgress({ phase: "calibrating", stageFraction: 0 });
    const images = calibrationImages(ctx.train, params.calibrationImages, ctx.seed);
    let quantization: QuantizationParams;
    if (params.mode === "ptq") {
      snapKernels(model);
      quantization = await calibrate(model, images, { method: params.calibration, percentile: params.percentile, activationType: params.activationType });
    } else {
      // Ranges before QAT come from min-max calibration of the float model; QAT then tracks them as they move.
      const initial = await calibrate(model, images, { method: params.calibration, percentile: params.percentile, activationType: params.activationType });
      quantization = await quantizationAwareTraining(model, initial, params, ctx);
      snapKernels(model);
    }
    await ctx.onProgress({ phase: "calibrating", stageFraction: 1 });
    return { model, precision: "int8", quantization, details: { mode: params.mode, calibration: params.calibration, foldedBatchNorms: folded, calibrationImages: quantization.calibrationImages } };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

export const quantize: Technique<QuantizeParams> = {
  name: "quantize",
  label: "INT8 quantization",
  configSchema: QuantizeParams,
  // INT8 only exists as an ONNX export: a model the exporter cannot convert cannot be quantized (→ 422 up front).
  check: (model) => {
    try {
      buildGraph(model);
      return null;
    } catch (e) {
      return `INT8 quantization needs an exportable model: ${(e as Error).message}`;
    }
  },
  apply,
};
