// Size and cost of a tfjs model: parameters, non-zero parameters (what pruning removes) and multiply-
// accumulates per image (what latency roughly follows).
import * as tf from "@tensorflow/tfjs";

export interface ModelStats {
  params: number;
  nonzeroParams: number;
  macs: number;
  sparsity: number;
}

function outputSpatial(layer: tf.layers.Layer): number {
  const shape = layer.outputShape as number[];
  return shape.length === 4 ? shape[1] * shape[2] : 1;
}

/** Multiply-accumulates of one layer per image (Conv2D, DepthwiseConv2D, Dense; 0 for the rest). */
export function layerMacs(layer: tf.layers.Layer): number {
  const config = layer.getConfig() as Record<string, unknown>;
  const cls = layer.getClassName();
  const weights = layer.getWeights(false);
  if (!weights.length) return 0;
  const kernel = weights[0].shape as number[];
  if (cls === "Conv2D") return outputSpatial(layer) * kernel[0] * kernel[1] * kernel[2] * kernel[3];
  if (cls === "DepthwiseConv2D") return outputSpatial(layer) * kernel[0] * kernel[1] * kernel[2] * Number(config.depthMultiplier ?? 1);
  if (cls === "Dense") return kernel[0] * kernel[1];
  return 0;
}

export function modelStats(model: tf.LayersModel): ModelStats {
  let params = 0;
  let nonzero = 0;
  let prunable = 0;
  let prunableZeros = 0;
  let macs = 0;
  for (const layer of model.layers) {
    macs += layerMacs(layer);
    for (const w of layer.getWeights(false)) {
      const values = w.dataSync();
      params += values.length;
      let zeros = 0;
      for (let i = 0; i < values.length; i++) if (values[i] === 0) zeros++;
      nonzero += values.length - zeros;
      // Sparsity is reported over kernels only (biases and BatchNorm are never pruned), as tfmot does.
      if (w.rank >= 2) {
        prunable += values.length;
        prunableZeros += zeros;
      }
    }
  }
  return { params, nonzeroParams: nonzero, macs, sparsity: prunable ? prunableZeros / prunable : 0 };
}
