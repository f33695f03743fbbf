import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { modelStats } from "../ml/model-stats";
import { exportOnnx } from "../onnx/export";
import { prune } from "./prune";
import { kernelSparsity } from "./prune-magnitude";
import { resolveSchedule, sparsityAt } from "./prune-schedule";
import { channelGroups } from "./prune-structured";
import { kernelLayers, kernelVariable } from "./model-graph";
import { PruneParams, PruningSchedule, pruneDescriptor } from "./prune.schema";
import { liveTensors, testContext, tinyModel, weightTensors, testBackend } from "./test-util";

beforeAll(async () => {
  await testBackend();
});

describe("sparsityAt", () => {
  it("follows tfmot's PolynomialDecay (power 3) and prunes every `frequency` steps", () => {
    const s = PruningSchedule.parse({ initialSparsity: 0.1, finalSparsity: 0.8, beginStep: 100, endStep: 1100, frequency: 100 });
    expect(sparsityAt(s, 50)).toEqual({ prune: false, sparsity: 0.1 });
    expect(sparsityAt(s, 100)).toEqual({ prune: true, sparsity: 0.1 });
    const mid = sparsityAt(s, 600); // p = 0.5 → 0.8 + (0.1 − 0.8)·0.125
    expect(mid.prune).toBe(true);
    expect(mid.sparsity).toBeCloseTo(0.8 - 0.7 * 0.125, 10);
    expect(sparsityAt(s, 650).prune).toBe(false);
    expect(sparsityAt(s, 1100)).toEqual({ prune: true, sparsity: 0.8 });
    expect(sparsityAt(s, 1200)).toEqual({ prune: false, sparsity: 0.8 });
  });
  it("linear, constant and one-shot", () => {
    expect(sparsityAt(PruningSchedule.parse({ kind: "linear", finalSparsity: 0.5, endStep: 100, frequency: 10 }), 50).sparsity).toBeCloseTo(0.25);
    const c = PruningSchedule.parse({ kind: "constant", finalSparsity: 0.3, beginStep: 10, frequency: 5 });
    expect([sparsityAt(c, 5).prune, sparsityAt(c, 10).prune, sparsityAt(c, 12).prune, sparsityAt(c, 1000).prune]).toEqual([false, true, false, true]);
    const o = PruningSchedule.parse({ kind: "one_shot", finalSparsity: 0.6 });
    expect([sparsityAt(o, 0), sparsityAt(o, 100).prune]).toEqual([{ prune: true, sparsity: 0.6 }, false]);
  });
  it("always reaches the final sparsity within the fine-tuning steps", () => {
    const { schedule } = resolveSchedule(PruningSchedule.parse({ finalSparsity: 0.7, endStep: 10_000 }), 40);
    expect(schedule.endStep).toBe(39);
    expect(sparsityAt(schedule, 39)).toEqual({ prune: true, sparsity: 0.7 });
    expect(resolveSchedule(PruningSchedule.parse({}), 40).schedule.endStep).toBe(30);
  });
});

describe("unstructured pruning", () => {
  for (const scope of ["layer", "global"] as const) {
    it(`${scope}: measured sparsity equals the target within 0.5 pp after fine-tuning`, async () => {
      const input = tinyModel("bench-cnn");
      const { ctx, epochs } = testContext(input);
      const before = liveTensors();
      const params = PruneParams.parse({ scope, schedule: { finalSparsity: 0.6, frequency: 2 } });
      const result = await prune.apply(input, params, ctx);
      expect(liveTensors() - before).toBe(weightTensors(result.model));
      const measured = kernelSparsity(result.model).overall;
      expect(Math.abs(measured - 0.6)).toBeLessThanOrEqual(0.005);
      expect(Math.abs(modelStats(result.model).sparsity - 0.6)).toBeLessThanOrEqual(0.005);
      expect(kernelSparsity(input).overall).toBe(0); // the input is untouched
      expect(epochs.at(-1)!.sparsity).toBeCloseTo(measured, 6);
      result.model.dispose();
      input.dispose();
    });
  }
});

describe("sensitivity allocation", () => {
  it("unstructured: meets the global target exactly with per-layer sparsities from the measured curves", { timeout: 120_000 }, async () => {
    const input = tinyModel("bench-cnn");
    const { ctx } = testContext(input);
    const before = liveTensors();
    const params = PruneParams.parse({ allocation: "sensitivity", sensitivityImages: 64, schedule: { finalSparsity: 0.6, frequency: 2 } });
    const result = await prune.apply(input, params, ctx);
    expect(liveTensors() - before).toBe(weightTensors(result.model));
    const total = kernelLayers(result.model).reduce((a, l) => a + kernelVariable(l)!.size, 0);
    const zeros = kernelLayers(result.model).reduce((a, l) => a + Array.from(kernelVariable(l)!.dataSync()).filter((v) => v === 0).length, 0);
    expect(zeros).toBe(Math.round(0.6 * total)); // exactly the global target, in weights
    const details = result.details as { perLayerSparsity: Record<string, number>; allocation: { method: string; perUnit: Record<string, number>; predictedDrop: number; uniformPredictedDrop: number } };
    expect(details.allocation.method).toBe("sensitivity");
    expect(details.allocation.predictedDrop).toBeLessThanOrEqual(details.allocation.uniformPredictedDrop);
    // What was allocated is what the model holds, layer by layer.
    for (const [layer, s] of Object.entries(details.allocation.perUnit)) expect(details.perLayerSparsity[layer], layer).toBeCloseTo(s, 9);
    expect(new Set(Object.values(details.allocation.perUnit).map((s) => s.toFixed(3))).size).toBeGreaterThan(1); // not uniform
    result.model.dispose();
    input.dispose();
  });

  it("structured: per-group channel fractions whose removed channels sum to the global fraction", { timeout: 120_000 }, async () => {
    const input = tinyModel("resnet", 2, 0.5);
    const { ctx } = testContext(input, { training: { epochs: 1, batchSize: 64, learningRate: 0.003, optimizer: "adam" } });
    const before = liveTensors();
    const result = await prune.apply(input, PruneParams.parse({ method: "structured", channelFraction: 0.4, minChannels: 1, allocation: "sensitivity", sensitivityImages: 64 }), ctx);
    expect(liveTensors() - before).toBe(weightTensors(result.model));
    const details = result.details as { groups: { channels: number; kept: number }[]; allocation: { method: string; removed: Record<string, number> } };
    expect(details.allocation.method).toBe("sensitivity");
    const channels = channelGroups(input).reduce((a, g) => a + g.channels, 0);
    const removed = Object.values(details.allocation.removed).reduce((a, b) => a + b, 0);
    expect(removed).toBe(Math.round(0.4 * channels));
    expect(details.groups.reduce((a, g) => a + g.channels - g.kept, 0)).toBe(removed); // the model lost exactly those
    result.model.dispose();
    input.dispose();
  });

  it("refuses global scope with sensitivity allocation (400 at submission)", () => {
    expect(pruneDescriptor.stageIssues!({ allocation: "sensitivity", scope: "global" }, { index: 1, source: 0, sourceField: "technique", stages: [] })[0].message).toMatch(/scope "layer"/);
  });
});

describe("structured pruning", () => {
  it("ties channels across residual adds and depthwise convolutions", () => {
    const model = tinyModel("mobilenet-v2", 1, 0.5);
    const groups = channelGroups(model);
    // The output of the 2nd block of a stage is added to its input: that group has 2+ producers.
    expect(groups.some((g) => g.producers.length >= 2)).toBe(true);
    // The logits dense feeds the output: never a producer of a prunable group.
    expect(groups.flatMap((g) => g.producers.map((p) => p.name))).not.toContain(model.layers.at(-1)!.name);
    model.dispose();
  });

  it("passes channels through a Rescaling (the hard-sigmoid an imported ONNX model brings): scalar scale and offset", () => {
    const x = tf.input({ shape: [8, 8, 1] });
    let y = tf.layers.conv2d({ name: "c1", filters: 8, kernelSize: 3 }).apply(x) as tf.SymbolicTensor;
    y = tf.layers.rescaling({ scale: 1 / 6, offset: 0.5 }).apply(y) as tf.SymbolicTensor;
    y = tf.layers.reLU({ maxValue: 1 }).apply(y) as tf.SymbolicTensor;
    y = tf.layers.conv2d({ name: "c2", filters: 8, kernelSize: 3 }).apply(y) as tf.SymbolicTensor;
    y = tf.layers.globalAveragePooling2d({}).apply(y) as tf.SymbolicTensor;
    const model = tf.model({ inputs: x, outputs: tf.layers.dense({ units: 3 }).apply(y) as tf.SymbolicTensor });
    const producers = channelGroups(model).flatMap((g) => g.producers.map((p) => p.name));
    expect(producers).toEqual(expect.arrayContaining(["c1", "c2"]));
    model.dispose();
  });

  for (const arch of ["mobilenet-v2", "resnet"] as const) {
    it(`${arch}: fewer parameters and MACs, same output shape, trains`, async () => {
      const input = tinyModel(arch, 2, 0.5);
      const { ctx } = testContext(input, { training: { epochs: 1, batchSize: 64, learningRate: 0.003, optimizer: "adam" } });
      const before = liveTensors();
      const result = await prune.apply(input, PruneParams.parse({ method: "structured", channelFraction: 0.5 }), ctx);
      expect(liveTensors() - before).toBe(weightTensors(result.model));
      const [a, b] = [modelStats(input), modelStats(result.model)];
      expect(b.params).toBeLessThan(a.params * 0.6);
      expect(b.macs).toBeLessThan(a.macs * 0.6);
      expect(result.model.outputs[0].shape).toEqual(input.outputs[0].shape);
      // The ONNX file shrinks with it (the exporter accepts the rebuilt graph).
      expect(exportOnnx(result.model, { precision: "fp32" }).byteLength).toBeLessThan(exportOnnx(input, { precision: "fp32" }).byteLength * 0.6);
      const out = result.model.predict(tf.zeros([2, 16, 16, 1])) as tf.Tensor;
      expect(out.shape).toEqual([2, 4]);
      expect(Array.from(out.dataSync()).every(Number.isFinite)).toBe(true);
      tf.dispose(out);
      result.model.dispose();
      input.dispose();
    });
  }
});
