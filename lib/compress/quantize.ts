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
import { int8WeightBits } from "../onnx/int8-weight-range";
import { activationQParams, fakeQuantActivation, fakeQuantWeights } from "./fake-quant";
import { controlAccuracy, type AccuracyControl } from "./accuracy-control";
import { clusterKernel, sharedKernel, type ClusteredKernel } from "./cluster";
import { fineTune, trainableVariables } from "./fine-tune";
import { cloneModel, foldBatchNorm, kernelLayers, kernelVariable, runGraph, type GraphHooks } from "./model-graph";
import { scoreModel, type ScoringSet } from "./sensitivity/evaluate-onnx-split";
import { applyMasks, disposeMasks, type Masks } from "./prune-magnitude";
import { clusteredKernels, zeroMasks } from "./preserve";
import { QuantizeParams, quantizeDescriptor } from "./quantize.schema";
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

/** The validation split as onnxruntime scores it (float NHWC in [0, 1], labels). */
export function validationSet(ctx: Pick<TechniqueContext, "val">): ScoringSet {
  const { images, shape } = splitAsFloat(ctx.val);
  return { images, shape, labels: ctx.val.labels };
}

const EMA_DECAY = 0.99;

/**
 * What QAT must not train away (PQAT / CQAT in TF-MOT's terms): the shared values of a clustered input are trained
 * as centroids (every weight of a cluster moves together), and the zeros of a pruned input are masked in the
 * forward pass and re-applied after every step. Read off the input model, so it holds after any prune or cluster
 * stage.
 */
interface Preserved {
  clustered: Map<string, ClusteredKernel>;
  masks: Masks;
}

function preservedStructure(model: tf.LayersModel, params: QuantizeParams): Preserved {
  const clustered = new Map<string, ClusteredKernel>();
  if (params.preserveClusters) {
    const byName = new Map(kernelLayers(model).map((l) => [l.name, l]));
    // The kernel's own values become its centroids (zeros pinned when sparsity is preserved too).
    for (const [name, k] of clusteredKernels(model)) clustered.set(name, clusterKernel(byName.get(name)!, k, { clusters: k, init: "linear", preserveSparsity: params.preserveSparsity }));
  }
  const masks = params.preserveSparsity ? zeroMasks(model, new Set(clustered.keys())) : new Map();
  return { clustered, masks };
}

function disposePreserved(p: Preserved): void {
  for (const c of p.clustered.values()) tf.dispose([c.centroids, c.assignment, c.order, c.bounds.starts, c.bounds.ends]);
  disposeMasks(p.masks);
}

async function quantizationAwareTraining(model: tf.LayersModel, initial: QuantizationParams, params: QuantizeParams, ctx: TechniqueContext, preserved: Preserved): Promise<QuantizationParams> {
  const type = params.activationType;
  const { clustered, masks } = preserved;
  const clusteredVars = new Set([...clustered.values()].map((c) => c.kernel));
  const observed = quantizedOutputs(model);
  const ranges = new Map<string, { min: tf.Variable; max: tf.Variable }>();
  for (const layer of observed) {
    const key = calibrationKey(layer.inboundNodes[0].outputTensors[0]);
    const r = initial.activationRanges[key];
    // tidy: tf.variable keeps the data but the scalar it was made from would otherwise stay alive.
    if (r) ranges.set(layer.name, tf.tidy(() => ({ min: tf.variable(tf.scalar(r.min), false), max: tf.variable(tf.scalar(r.max), false) })));
  }
  const hooks = (training: boolean): GraphHooks => ({
    kernel: (layer, kernel) => {
      const c = clustered.get(layer.name);
      if (c) return fakeQuantWeights(sharedKernel(c), layer.getClassName());
      const mask = masks.get(kernelVariable(layer)!);
      return fakeQuantWeights(mask ? tf.mul(kernel, mask) : kernel, layer.getClassName());
    },
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
      // A clustered kernel trains through its centroids, never weight by weight.
      variables: [...trainableVariables(model).filter((v) => !clusteredVars.has(v)), ...[...clustered.values()].map((c) => c.centroids)],
      afterStep: masks.size ? () => applyMasks(masks) : undefined,
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
    // Strip: the shared values become the plain kernels again (snapKernels then puts them on the int8 grid).
    for (const c of clustered.values()) tf.tidy(() => c.kernel.assign(sharedKernel(c)));
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
    let preservedLayers: { maskedKernels: number; clusteredKernels: string[] } | undefined;
    // Accuracy control needs the float kernels back for the layers it leaves FP32: a copy before snapping.
    let float: tf.LayersModel | undefined;
    if (params.mode === "ptq") {
      if (params.maxAccuracyDrop != null) float = await cloneModel(model);
      snapKernels(model);
      quantization = await calibrate(model, images, { method: params.calibration, percentile: params.percentile, activationType: params.activationType });
    } else {
      // Ranges before QAT come from min-max calibration of the float model; QAT then tracks them as they move.
      const initial = await calibrate(model, images, { method: params.calibration, percentile: params.percentile, activationType: params.activationType });
      const preserved = preservedStructure(model, params);
      try {
        if (preserved.masks.size || preserved.clustered.size) ctx.log(`quantize: QAT keeps the zeros of ${preserved.masks.size} pruned kernels and the centroids of ${preserved.clustered.size} clustered kernels`);
        quantization = await quantizationAwareTraining(model, initial, params, ctx, preserved);
        preservedLayers = { maskedKernels: [...preserved.masks.keys()].length, clusteredKernels: [...preserved.clustered.keys()] };
      } finally {
        disposePreserved(preserved);
      }
      if (params.maxAccuracyDrop != null) float = await cloneModel(model);
      snapKernels(model);
    }
    let accuracyControl: AccuracyControl | undefined;
    if (float) {
      try {
        const val = validationSet(ctx);
        const referenceAccuracy = (await scoreModel(input, { precision: "fp32" }, val)).accuracy;
        const controlled = await controlAccuracy(model, float, quantization, {
          maxAccuracyDropPp: params.maxAccuracyDrop!, referenceAccuracy, val, calibrationImages: images,
          calibration: { method: params.calibration, percentile: params.percentile, activationType: params.activationType },
          log: ctx.log, onStep: () => throwIfCancelled(ctx),
        });
        quantization = controlled.quantization;
        accuracyControl = controlled.report;
      } finally {
        float.dispose();
      }
    }
    await ctx.onProgress({ phase: "calibrating", stageFraction: 1 });
    return { model, precision: "int8", quantization, details: { mode: params.mode, calibration: params.calibration, weightBits: int8WeightBits(), foldedBatchNorms: folded, calibrationImages: quantization.calibrationImages, ...(preservedLayers ? { qatPreserved: preservedLayers } : {}), ...(accuracyControl ? { accuracyControl } : {}) } };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

export const quantize = {
  ...quantizeDescriptor,
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
} satisfies Technique<QuantizeParams>;
