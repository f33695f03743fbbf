import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { augmentedImageBatch, defaultAugmentation, flipFits } from "./augment";
import type { ImageSplit } from "./data/types";

// One 2×3 single-channel image with distinct pixels 1..6 (× 51 so that /255 gives 0.2, 0.4, …).
const split: ImageSplit = { images: Uint8Array.from([1, 2, 3, 4, 5, 6].map((v) => v * 25)), labels: Uint8Array.from([0]), count: 1, shape: [2, 3, 1] };
const pixels = (t: tf.Tensor) => Array.from(t.dataSync(), (v) => Math.round(v * 255 / 25));

describe("augmentedImageBatch", () => {
  it("mirrors left–right when flipping, and nothing else without padding", () => {
    const flipped = augmentedImageBatch(split, 0, 1, [0], { horizontalFlip: true }, () => 0.1); // < 0.5: flip
    expect(pixels(flipped)).toEqual([3, 2, 1, 6, 5, 4]);
    const kept = augmentedImageBatch(split, 0, 1, [0], { horizontalFlip: true }, () => 0.9);
    expect(pixels(kept)).toEqual([1, 2, 3, 4, 5, 6]);
    tf.dispose([flipped, kept]);
  });

  it("shifts with zero padding", () => {
    // random() = 0 → dy = dx = -pad: the image moves down-right by one pixel.
    const shifted = augmentedImageBatch(split, 0, 1, [0], { cropPadding: 1 }, () => 0);
    expect(pixels(shifted)).toEqual([0, 0, 0, 0, 1, 2]);
    shifted.dispose();
  });
});

describe("which augmentation fits", () => {
  it("does not flip digits or characters", () => {
    expect(flipFits(["0", "1", "2"])).toBe(false);
    expect(flipFits(["お", "き", "す"])).toBe(false);
    expect(flipFits(["T-shirt/top", "Trouser"])).toBe(true);
    expect(defaultAugmentation({ classes: ["cat", "dog"], train: { shape: [32, 32, 3] } })).toEqual({ cropPadding: 4, horizontalFlip: true });
  });
});
