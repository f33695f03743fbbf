import type * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { auto, type AutoResult } from "./auto";
import { AutoParams } from "./auto.schema";
import { classifierObjective, fineTune } from "./fine-tune";
import { liveTensors, testBackend, testContext, tinyModel, weightTensors } from "./test-util";

// Three students (width 0.35 / 0.5 / 0.75 at depth 1), one sparsity step: a search of four probes at most.
const small = (extra: Record<string, unknown>) => AutoParams.parse({ widths: [0.35, 0.5, 0.75], depths: [1], expansions: [2], students: 3, sparsitySteps: 1, calibrationImages: 32, epochs: 2, ...extra });

describe("auto", () => {
  let baseline: tf.LayersModel;
  beforeAll(async () => {
    await testBackend();
    // A trained ResNet baseline (the teacher and the accuracy reference), larger than every student.
    baseline = tinyModel("resnet", 3);
    const { ctx } = testContext(baseline, { training: { epochs: 4, batchSize: 32, learningRate: 0.01, optimizer: "adam" } });
    await fineTune(ctx, { ...classifierObjective(baseline), record: false });
  }, 240_000);

  it("with a loose budget: bisects down to the smallest student, prunes it, and ships the cheapest feasible INT8 file", async () => {
    const { ctx, lines } = testContext(baseline, { training: { epochs: 1, batchSize: 32, learningRate: 0.01, optimizer: "adam" } });
    const before = liveTensors();
    const result = (await auto.apply(baseline, small({ maxAccuracyDrop: 100 }), ctx)) as AutoResult;
    expect(liveTensors() - before).toBe(weightTensors(result.model));
    const c = result.candidates;
    // Everything is feasible: the bisection goes from the middle student to the smallest, then one pruning step.
    expect(c.map((p) => [p.kind, p.config.width])).toEqual([["student", 0.5], ["student", 0.35], ["pruned", 0.35]]);
    expect(c[2].channelFraction).toBe(0.25);
    expect(c[2].params).toBeLessThan(c[1].params);
    expect(c.every((p) => p.feasible)).toBe(true);
    const chosen = c.filter((p) => p.chosen);
    expect(chosen).toHaveLength(1);
    expect(chosen[0].bytes).toBe(Math.min(...c.map((p) => p.bytes)));
    expect(chosen[0].pareto).toBe(true);
    expect(result.precision).toBe("int8");
    expect(result.details).toMatchObject({ withinBudget: true, probes: 3, objective: "size" });
    // Measured, not assumed: the INT8 file of each probe has real bytes and a paired latency.
    for (const p of c) {
      expect(p.bytes).toBeGreaterThan(1000);
      expect(p.latencyMs).toBeGreaterThan(0);
      expect(p.valAccuracy).toBeGreaterThanOrEqual(0);
    }
    expect(lines.some((l) => l.startsWith("auto: chose pruned"))).toBe(true);

    const children = auto.childRuns(result);
    expect(children).toHaveLength(3);
    expect(children.map((k) => k.stage.details.chosen)).toEqual(c.map((p) => p.chosen));
    expect(children[0].stage.measured).toMatchObject({ sizeBytes: c[0].bytes, latencyP50Ms: c[0].latencyMs });
    result.model.dispose();
  });

  it("with no room at all: probes larger students, and ships the most accurate one saying it missed the budget", async () => {
    const { ctx } = testContext(baseline, { training: { epochs: 1, batchSize: 32, learningRate: 0.01, optimizer: "adam" } });
    // −100 pp cannot be met by anything: every probe is infeasible, so the bisection keeps moving up.
    const result = (await auto.apply(baseline, { ...small({ epochs: 1 }), maxAccuracyDrop: -100 }, ctx)) as AutoResult;
    const c = result.candidates;
    expect(c.map((p) => p.config.width)).toEqual([0.5, 0.75]);
    expect(c.every((p) => !p.feasible)).toBe(true);
    expect(result.details).toMatchObject({ withinBudget: false });
    const chosen = c.find((p) => p.chosen)!;
    expect(chosen.valAccuracy).toBe(Math.max(...c.map((p) => p.valAccuracy)));
    result.model.dispose();
  });
});
