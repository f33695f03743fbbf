import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { modelStats } from "../model-stats";
import { Architecture } from "./architecture";
import { buildModel } from "./zoo";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const count = (arch: Architecture, opts: { depth?: number; width?: number } = {}, shape: [number, number, number] = [28, 28, 1]) => {
  const m = buildModel(arch, { inputShape: shape, numClasses: 10, ...opts });
  const n = m.countParams();
  m.dispose();
  return n;
};

describe("model zoo", () => {
  it("bench-cnn is exactly the benchmark model (~50k parameters)", () => {
    const m = buildModel("bench-cnn", { inputShape: [28, 28, 1], numClasses: 10 });
    expect(m.layers.map((l) => l.getClassName()).filter((c) => c.startsWith("Conv") || c.startsWith("Depthwise") || c === "Dense"))
      .toEqual(["Conv2D", "Conv2D", "DepthwiseConv2D", "Conv2D", "Conv2D", "Dense"]);
    expect(m.countParams()).toBe(50_250); // incl. BatchNorm moving statistics
    m.dispose();
  });

  it("has the documented sizes", () => {
    expect(count("resnet")).toBe(273_754); // ResNet-20
    expect(count("resnet", { depth: 1 })).toBeLessThan(count("resnet", { depth: 2 }));
    expect(count("resnet", { depth: 1, width: 2 })).toBeGreaterThan(3 * count("resnet", { depth: 1 }));
    expect(count("mobilenet-v2", { width: 1 })).toBeGreaterThan(count("mobilenet-v2", { width: 0.5 }));
    expect(count("small-cnn")).toBeLessThan(30_000);
  });

  for (const arch of Architecture.options) {
    for (const shape of [[28, 28, 1], [32, 32, 3]] as [number, number, number][]) {
      it(`${arch} on ${shape.join("×")} outputs [batch, classes] logits, and its MACs are counted`, () => {
        const before = tf.memory().numTensors;
        const m = buildModel(arch, { inputShape: shape, numClasses: 7 });
        const y = tf.tidy(() => m.predict(tf.zeros([2, ...shape])) as tf.Tensor);
        expect(y.shape).toEqual([2, 7]);
        const stats = modelStats(m);
        expect(stats.params).toBe(m.countParams());
        expect(stats.macs).toBeGreaterThan(stats.params);
        y.dispose();
        m.dispose();
        expect(tf.memory().numTensors).toBe(before);
      });
    }
  }

  it("is reproducible from the seed", () => {
    const a = buildModel("small-cnn", { inputShape: [28, 28, 1], numClasses: 10, seed: 3 });
    const b = buildModel("small-cnn", { inputShape: [28, 28, 1], numClasses: 10, seed: 3 });
    expect(Array.from(a.getWeights()[0].dataSync())).toEqual(Array.from(b.getWeights()[0].dataSync()));
    a.dispose();
    b.dispose();
  });
});
