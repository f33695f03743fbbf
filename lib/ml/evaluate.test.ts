import { describe, expect, it } from "vitest";
import { argmaxRows, scoreLogits, top1Accuracy } from "./evaluate";

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

describe("batched predictions", () => {
  it("give the same logits and accuracy whatever the batch size (a last batch smaller than the rest included)", async () => {
    const tf = await import("@tensorflow/tfjs");
    const { accuracyOn, predictLogits } = await import("./evaluate");
    const { imageBatch, predictSplit } = await import("./tensors");
    const { buildModel } = await import("./models/zoo");
    const { syntheticDataset } = await import("./data/synthetic");
    await tf.setBackend("cpu");
    const data = syntheticDataset({ train: 4, test: 50, size: 8, classes: 3, seed: 2 });
    const model = buildModel("small-cnn", { inputShape: data.test.shape, numClasses: 3 });
    const predict = (x: import("@tensorflow/tfjs").Tensor4D) => model.predict(x) as import("@tensorflow/tfjs").Tensor2D;
    const whole = tf.tidy(() => predict(imageBatch(data.test, 0, 50)).dataSync() as Float32Array);
    const before = tf.memory().numTensors;
    for (const batchSize of [1, 7, 50, 256]) {
      const logits = predictSplit(predict, data.test, batchSize);
      expect(logits).toHaveLength(150);
      for (let i = 0; i < 150; i++) expect(logits[i]).toBeCloseTo(whole[i], 5);
      expect(accuracyOn(predict, data.test, batchSize)).toBe(top1Accuracy(argmaxRows(whole, 3), data.test.labels));
    }
    expect(predictLogits(model, data.test)).toHaveLength(150);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it("argmaxRows takes the first maximum (tf.argMax's tie rule); top1Accuracy refuses mismatched lengths", () => {
    expect([...argmaxRows(Float32Array.from([1, 3, 3, 0, 0, 0]), 3)]).toEqual([1, 0]);
    expect(top1Accuracy([1, 0, 2], [1, 1, 2])).toBeCloseTo(2 / 3);
    expect(() => top1Accuracy([1], [1, 2])).toThrow(/1 predictions for 2 labels/);
  });
});
