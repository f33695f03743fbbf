// Issue #21: fast paths are chosen per model where it is trained, and nothing of tfjs is patched process-wide —
// the layer classes' prototypes stay tfjs's own, and train() leaves the model's layers as it found them.
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import type { ImageSplit } from "../data/types";
import { buildModel } from "../models/zoo";
import { train } from "../train";
import { setupBackend } from "./index";
import { loadNative } from "./native";
import { useTrainingFastPaths } from "./training-fast-paths";

const hasNative = "addon" in loadNative();
const ownCall = (l: tf.layers.Layer) => Object.prototype.hasOwnProperty.call(l, "call");
const protoCalls = () => [tf.layers.batchNormalization({}), tf.layers.reLU({})].map((l) => Object.getPrototypeOf(l).call);

describe.skipIf(!hasNative)("training fast paths", () => {
  it("are set on one model's layer instances and undone, never on tfjs's prototypes", async () => {
    await setupBackend("onednn");
    const before = protoCalls();
    const model = buildModel("mobilenet-v2", { inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
    const undo = useTrainingFastPaths(model, { fuseActivations: true });
    const patched = model.layers.filter(ownCall).map((l) => l.getClassName());
    expect(new Set(patched)).toEqual(new Set(["BatchNormalization", "ReLU"]));
    expect(protoCalls()).toEqual(before);
    const other = buildModel("bench-cnn", { inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
    expect(other.layers.some(ownCall), "another model is untouched").toBe(false);
    undo();
    expect(model.layers.some(ownCall)).toBe(false);
    model.dispose();
    other.dispose();
  });

  it("train() installs them for its duration only", async () => {
    await setupBackend("onednn");
    const count = 8, shape: [number, number, number] = [28, 28, 1];
    const split: ImageSplit = { images: new Uint8Array(count * 784).fill(90), labels: Uint8Array.from({ length: count }, (_, i) => i % 10), count, shape };
    const model = buildModel("bench-cnn", { inputShape: shape, numClasses: 10, seed: 1 });
    let during = 0;
    await train(model, split, { ...split, count: 0 }, {
      epochs: 1, batchSize: 4, learningRate: 1e-3, optimizer: "adam", seed: 1, numClasses: 10, recalibrationImages: 0,
      afterStep: () => { during = model.layers.filter(ownCall).length; },
    });
    expect(during).toBeGreaterThan(0);
    expect(model.layers.some(ownCall)).toBe(false);
    model.dispose();
  });
});
