import type * as tf from "@tensorflow/tfjs";

/**
 * A layer's weight by its short name ("kernel", "depthwise_kernel", "bias", "gamma", "moving_mean"…), as the
 * tensor the variable holds (not a copy). The short name is the last part of the original or current name:
 * a rebuilt or reloaded model may carry a renamed variable.
 */
export function layerWeight(layer: tf.layers.Layer, short: string): tf.Tensor | undefined {
  const v = layer.weights.find((w) => w.originalName.split("/").pop() === short || w.name.split("/").pop() === short);
  return v?.read();
}
