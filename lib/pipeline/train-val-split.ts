import { pick, subset } from "../ml/data/subset";
import type { ImageSplit, LoadedDataset } from "../ml/data/types";
import { permutation } from "../ml/random";
import type { TrainingConfig } from "../schemas/pipeline";

/** Share of the (subset of the) training split held out for validation after each epoch. */
const VALIDATION_FRACTION = 0.1;

/** The run's training and validation examples: a seeded subset of the training split, 10% held out. Every stage uses the same. */
export function trainValSplit(data: LoadedDataset, training: TrainingConfig, seed: number): { train: ImageSplit; val: ImageSplit } {
  const pool = subset(data.train, training.trainLimit, seed);
  const order = permutation(pool.count, seed + 1);
  const valCount = Math.max(1, Math.round(pool.count * VALIDATION_FRACTION));
  return { val: pick(pool, order.subarray(0, valCount)), train: pick(pool, order.subarray(valCount)) };
}
