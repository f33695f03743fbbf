// Applying an upload's preprocessing to dataset images, and whether it is the lab's own (p / 255), which is what
// every stage of a pipeline feeds a model.
import type { ImageSplit } from "../ml/data/types";
import type { Preprocessing } from "./schemas";

const perChannel = (v: number[], c: number) => (v.length === 1 ? Array<number>(c).fill(v[0]) : v);

/** The first `limit` images of a split as NHWC floats, preprocessed. */
export function preprocessSplit(split: ImageSplit, limit: number, pre: Preprocessing): { images: Float32Array; shape: [number, number, number, number] } {
  const n = Math.min(limit, split.count);
  const [h, w, c] = split.shape;
  const mean = perChannel(pre.mean, c);
  const std = perChannel(pre.std, c);
  const images = new Float32Array(n * h * w * c);
  for (let i = 0; i < images.length; i++) images[i] = (split.images[i] * pre.scale - mean[i % c]) / std[i % c];
  return { images, shape: [n, h, w, c] };
}

/** A reason the preprocessing does not fit a dataset of `channels` channels, or null. */
export function preprocessingIssue(pre: Preprocessing, channels: number): string | null {
  for (const key of ["mean", "std"] as const) {
    if (pre[key].length !== 1 && pre[key].length !== channels) return `${key} has ${pre[key].length} values, the dataset's images ${channels} channel(s)`;
  }
  return null;
}

export function isLabPreprocessing(pre: Preprocessing): boolean {
  return Math.abs(pre.scale * 255 - 1) < 1e-6 && pre.mean.every((m) => m === 0) && pre.std.every((s) => s === 1);
}
