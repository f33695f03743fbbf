// A tiny, learnable dataset for fast unit tests only: each class is a bright square at its own position
// on a noisy background. Never used for reported results.
import { seededRandom } from "../random";
import type { ImageSplit, LoadedDataset } from "./types";

function makeSplit(count: number, size: number, numClasses: number, seed: number): ImageSplit {
  const random = seededRandom(seed);
  const images = new Uint8Array(count * size * size);
  const labels = new Uint8Array(count);
  const patch = Math.max(2, Math.floor(size / 4));
  for (let n = 0; n < count; n++) {
    const label = n % numClasses;
    labels[n] = label;
    const cx = (label * 7) % (size - patch);
    const cy = (label * 3) % (size - patch);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const inside = x >= cx && x < cx + patch && y >= cy && y < cy + patch;
        images[n * size * size + y * size + x] = inside ? 200 + Math.floor(random() * 55) : Math.floor(random() * 60);
      }
    }
  }
  return { images, labels, count, shape: [size, size, 1] };
}

export function syntheticDataset(opts: { train?: number; test?: number; size?: number; classes?: number; seed?: number } = {}): LoadedDataset {
  const { train = 512, test = 128, size = 16, classes = 4, seed = 1 } = opts;
  return {
    id: "synthetic",
    classes: Array.from({ length: classes }, (_, i) => `class-${i}`),
    train: makeSplit(train, size, classes, seed),
    test: makeSplit(test, size, classes, seed + 1),
  };
}
