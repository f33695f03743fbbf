import { permutation } from "../random";
import type { ImageSplit } from "./types";

/** Copies the examples at `indices` into a new split. */
export function pick(split: ImageSplit, indices: ArrayLike<number>): ImageSplit {
  const size = split.shape[0] * split.shape[1] * split.shape[2];
  const images = new Uint8Array(indices.length * size);
  const labels = new Uint8Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const from = indices[i];
    images.set(split.images.subarray(from * size, (from + 1) * size), i * size);
    labels[i] = split.labels[from];
  }
  return { images, labels, count: indices.length, shape: split.shape };
}

/** A seeded random subset of `limit` examples (the whole split when limit is absent or larger). */
export function subset(split: ImageSplit, limit: number | undefined, seed: number): ImageSplit {
  if (!limit || limit >= split.count) return split;
  return pick(split, permutation(split.count, seed).subarray(0, limit));
}

/**
 * A seeded hold-out: `fraction` of the split (at least one example) for validation, the rest for training.
 * The same seed always holds out the same examples, so a resumed run validates on the same images.
 */
export function splitValidation(split: ImageSplit, fraction: number, seed: number): { train: ImageSplit; validation: ImageSplit } {
  const order = permutation(split.count, seed);
  const valCount = Math.min(split.count - 1, Math.max(1, Math.round(split.count * fraction)));
  return { validation: pick(split, order.subarray(0, valCount)), train: pick(split, order.subarray(valCount)) };
}
