// Training-time augmentation on the uint8 images while each batch is assembled: random crop with zero padding
// (shift by up to `cropPadding` pixels) and horizontal flip. Done in JS in the same pass that converts to float,
// so it costs about as much as building the batch without it; seeded, so a run reproduces its batches.
import * as tf from "@tensorflow/tfjs";
import type { ImageSplit } from "./data/types";

export interface Augmentation {
  /** Pad by this many pixels on every side, then crop back to the original size at a random offset. */
  cropPadding?: number;
  /** Mirror half of the images left–right. */
  horizontalFlip?: boolean;
}

/**
 * Whether mirroring keeps the label: not for digits or written characters (MNIST, KMNIST, EMNIST), where a
 * mirrored 2 or 7 is not a 2 or 7. Class names that are all single characters or numbers mark such datasets.
 */
export function flipFits(classes: string[]): boolean {
  return !classes.every((c) => /^\d+$/.test(c.trim()) || [...c.trim()].length === 1);
}

/** The augmentation that fits a dataset: crop padding of 1/8 of the side (4 px at 28–32 px), flip where it fits. */
export function defaultAugmentation(data: { classes: string[]; train: Pick<ImageSplit, "shape"> }): Augmentation {
  return { cropPadding: Math.max(1, Math.round(data.train.shape[0] / 8)), horizontalFlip: flipFits(data.classes) };
}

export const isAugmenting = (a: Augmentation | undefined): a is Augmentation => !!a && ((a.cropPadding ?? 0) > 0 || !!a.horizontalFlip);

/** Examples order[start..end) as a float NHWC batch in [0, 1], each randomly shifted and flipped. */
export function augmentedImageBatch(split: ImageSplit, start: number, end: number, order: ArrayLike<number>, aug: Augmentation, random: () => number): tf.Tensor4D {
  const [h, w, c] = split.shape;
  const size = h * w * c;
  const n = end - start;
  const pad = aug.cropPadding ?? 0;
  const values = new Float32Array(n * size); // zeros: the padding
  for (let i = 0; i < n; i++) {
    const src = order[start + i] * size;
    const dy = pad ? Math.floor(random() * (2 * pad + 1)) - pad : 0;
    const dx = pad ? Math.floor(random() * (2 * pad + 1)) - pad : 0;
    const flip = aug.horizontalFlip ? random() < 0.5 : false;
    const out = i * size;
    for (let y = 0; y < h; y++) {
      const sy = y + dy;
      if (sy < 0 || sy >= h) continue;
      for (let x = 0; x < w; x++) {
        const sx = (flip ? w - 1 - x : x) + dx;
        if (sx < 0 || sx >= w) continue;
        const from = src + (sy * w + sx) * c;
        const to = out + (y * w + x) * c;
        for (let k = 0; k < c; k++) values[to + k] = split.images[from + k] / 255;
      }
    }
  }
  return tf.tensor4d(values, [n, h, w, c]);
}
