// BatchNorm folding, the one rule and the one formula: which BatchNormalization layers fold into the layer
// before them, and the per-channel affine form y = scale·x + shift they fold as. The ONNX exporter applies it
// to the weights it writes (lib/onnx/layers.ts); foldBatchNorm (lib/compress/model-graph.ts) applies it to a
// tfjs model up front, so that what a technique trains or quantizes is exactly what gets exported.
import type * as tf from "@tensorflow/tfjs";
import { layerWeight } from "./layer-weights";

/** Layers whose weights can absorb a following BatchNormalization (when their activation is linear). */
export const FOLDS_BATCHNORM: ReadonlySet<string> = new Set(["Conv2D", "DepthwiseConv2D", "SeparableConv2D", "Dense"]);

export interface BatchNormFold {
  /** The layer whose kernel and bias absorb the BatchNorm. */
  producer: tf.layers.Layer;
  bn: tf.layers.Layer;
  /** The producer's output, read by the BatchNorm and by nothing else. */
  tensor: tf.SymbolicTensor;
}

// tfjs layer configs are loosely typed serialisation dictionaries.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type LayerConfig = Record<string, any>;

/**
 * Every BatchNormalization call (node) of `model` that folds: it normalises the channel (last) axis, and its
 * input is the output of a Conv2D / DepthwiseConv2D / SeparableConv2D / Dense with a linear activation that
 * nothing else reads — no other layer call, no model output — so the fold changes no other value.
 */
export function batchNormFolds(model: tf.LayersModel): BatchNormFold[] {
  const readers = new Map<number, number>();
  const read = (t: tf.SymbolicTensor) => readers.set(t.id, (readers.get(t.id) ?? 0) + 1);
  for (const layer of model.layers) for (const node of layer.inboundNodes) node.inputTensors.forEach(read);
  model.outputs.forEach(read);
  const folds: BatchNormFold[] = [];
  for (const bn of model.layers) {
    if (bn.getClassName() !== "BatchNormalization") continue;
    const axis = (bn.getConfig() as LayerConfig).axis ?? -1;
    for (const node of bn.inboundNodes) {
      const tensor = node.inputTensors[0];
      if (axis !== -1 && axis !== tensor.shape.length - 1) continue;
      const producer = tensor.sourceLayer as tf.layers.Layer;
      if (!FOLDS_BATCHNORM.has(producer.getClassName())) continue;
      if (((producer.getConfig() as LayerConfig).activation ?? "linear") !== "linear") continue;
      if (readers.get(tensor.id) !== 1) continue;
      folds.push({ producer, bn, tensor });
    }
  }
  return folds;
}

/** Per-channel affine form of an inference-mode BatchNormalization (moving statistics): y = scale·x + shift. */
export function bnAffine(bn: tf.layers.Layer): { scale: Float64Array; shift: Float64Array } {
  const cfg = bn.getConfig() as LayerConfig;
  const values = (short: string) => {
    const t = layerWeight(bn, short);
    return t ? (t.dataSync() as Float32Array) : undefined;
  };
  const mean = values("moving_mean");
  const variance = values("moving_variance");
  if (!mean || !variance) throw new Error(`BatchNormalization ${bn.name} has no moving statistics`);
  const gamma = cfg.scale === false ? undefined : values("gamma");
  const beta = cfg.center === false ? undefined : values("beta");
  const eps = cfg.epsilon ?? 1e-3;
  const scale = new Float64Array(mean.length);
  const shift = new Float64Array(mean.length);
  for (let c = 0; c < mean.length; c++) {
    scale[c] = (gamma ? gamma[c] : 1) / Math.sqrt(variance[c] + eps);
    shift[c] = (beta ? beta[c] : 0) - mean[c] * scale[c];
  }
  return { scale, shift };
}
