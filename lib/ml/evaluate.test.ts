import { describe, expect, it } from "vitest";
import { scoreLogits } from "./evaluate";

describe("scoreLogits", () => {
  it("computes top-1, top-5, per-class accuracy and the confusion matrix", () => {
    // 3 classes, 4 examples: predictions 0, 1, 1, 2 for labels 0, 1, 2, 2
    const logits = Float32Array.from([5, 1, 0, 0, 3, 1, 0, 2, 1, 0, 1, 4]);
    const e = scoreLogits(logits, [0, 1, 2, 2], 3);
    expect(e.accuracy).toBe(0.75);
    expect(e.top5).toBe(1);
    expect(e.confusion).toEqual([[1, 0, 0], [0, 1, 0], [0, 1, 1]]);
    expect(e.perClassAccuracy).toEqual([1, 1, 0.5]);
  });
});

describe("evaluate", () => {
  it("scores a model batch by batch without leaking tensors", async () => {
    const tf = await import("@tensorflow/tfjs");
    const { evaluate } = await import("./evaluate");
    const { buildModel } = await import("./models/zoo");
    const { syntheticDataset } = await import("./data/synthetic");
    await tf.setBackend("cpu");
    const data = syntheticDataset({ train: 4, test: 300, size: 8, classes: 3 });
    const model = buildModel("small-cnn", { inputShape: data.test.shape, numClasses: 3 });
    const before = tf.memory().numTensors;
    const e = evaluate(model, data.test, 3);
    expect(tf.memory().numTensors).toBe(before);
    expect(e.count).toBe(300);
    expect(e.confusion.flat().reduce((a, b) => a + b, 0)).toBe(300);
    expect(e.top5).toBe(1); // 3 classes: the truth is always in the top 5
    model.dispose();
  });
});
