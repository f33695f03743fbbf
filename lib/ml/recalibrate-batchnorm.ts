// BatchNorm's moving statistics lag the weights: with momentum 0.99 they average the activations of the last
// ~100 steps, taken while the weights were still moving, so a short training run evaluates far below its training
// accuracy. After training, forward a few hundred training images in training mode (weights frozen, no gradient)
// and replace the moving mean/variance by the cumulative average of those batches' statistics — what PyTorch's
// torch.optim.swa_utils.update_bn does (momentum = None).
import * as tf from "@tensorflow/tfjs";
import type { ImageSplit } from "./data/types";
import { permutation } from "./random";
import { imageBatch } from "./tensors";

/** Training images a recalibration forwards by default ("a few hundred"). */
export const RECALIBRATION_IMAGES = 512;

/** The tfjs-layers field this needs (not in its typed API): moving = moving − (moving − batch)·(1 − momentum). */
interface WithMomentum {
  momentum: number;
}

export const batchNormLayers = (model: tf.LayersModel) => model.layers.filter((l) => l.getClassName() === "BatchNormalization");

/** Recomputes every BatchNorm layer's moving statistics from `images` training images; returns the layers updated. */
export function recalibrateBatchNorm(model: tf.LayersModel, split: ImageSplit, opts: { images?: number; batchSize?: number; seed?: number } = {}): number {
  const layers = batchNormLayers(model) as unknown as WithMomentum[];
  const count = Math.min(opts.images ?? RECALIBRATION_IMAGES, split.count);
  if (!layers.length || !count) return 0;
  const batchSize = opts.batchSize ?? 64;
  const order = permutation(split.count, (opts.seed ?? 0) * 31 + 3);
  const momenta = layers.map((l) => l.momentum);
  try {
    for (let k = 0, start = 0; start < count; k++, start += batchSize) {
      // After batch k (0-based) the moving value is the mean of the k + 1 batch statistics: momentum k / (k + 1)
      // (the first batch overwrites the stale value outright).
      for (const l of layers) l.momentum = k / (k + 1);
      tf.tidy(() => {
        model.apply(imageBatch(split, start, Math.min(count, start + batchSize), order), { training: true });
      });
    }
  } finally {
    layers.forEach((l, i) => (l.momentum = momenta[i]));
  }
  return layers.length;
}
