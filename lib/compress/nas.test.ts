import { beforeAll, describe, expect, it } from "vitest";
import { modelStats } from "../ml/model-stats";
import { nas } from "./nas";
import { paretoFront } from "./nas-space";
import { NasParams } from "./nas.schema";
import { liveTensors, testBackend, testContext, tinyModel, weightTensors } from "./test-util";

beforeAll(async () => {
  await testBackend();
});

describe("paretoFront", () => {
  it("marks the non-dominated points", () => {
    const front = paretoFront([
      { cost: 1, accuracy: 0.5 },
      { cost: 2, accuracy: 0.7 },
      { cost: 3, accuracy: 0.6 }, // dominated by (2, 0.7)
      { cost: 4, accuracy: 0.9 },
    ]);
    expect(front).toEqual([true, true, false, true]);
  });
});

describe("nas", () => {
  it("chooses a model within the parameter budget and marks the Pareto set", async () => {
    const baseline = tinyModel("small-cnn");
    const { ctx } = testContext(baseline);
    const before = liveTensors();
    const max = 40_000;
    const params = NasParams.parse({
      budget: { kind: "params", max },
      candidates: 3,
      proxyEpochs: 0.25,
      widths: [0.35, 0.5, 1, 2],
      depths: [1, 2],
      kernels: [3],
      expansions: [2, 6],
    });
    const result = await nas.apply(baseline, params, ctx);
    expect(liveTensors() - before).toBe(weightTensors(result.model));
    expect(modelStats(result.model).params).toBeLessThanOrEqual(max);
    const cands = result.candidates!;
    expect(cands.filter((c) => c.feasible).length).toBe(3);
    expect(cands.every((c) => c.feasible === c.params <= max)).toBe(true);
    expect(cands.some((c) => c.pareto)).toBe(true);
    expect(cands.filter((c) => c.pareto).every((c) => c.feasible)).toBe(true);
    const chosen = cands.find((c) => c.chosen)!;
    expect(chosen.feasible).toBe(true);
    result.model.dispose();
    baseline.dispose();
  });

  it("under a latency budget, measures every candidate in onnxruntime-node and keeps only those within it", async () => {
    const baseline = tinyModel("small-cnn");
    const { ctx } = testContext(baseline);
    const before = liveTensors();
    const max = 50; // ms: generous, so that the test is about the bookkeeping, not the machine's speed
    const params = NasParams.parse({ budget: { kind: "latencyMs", max }, candidates: 2, proxyEpochs: 0.1, widths: [0.35, 0.5], depths: [1], kernels: [3], expansions: [2] });
    const result = await nas.apply(baseline, params, ctx);
    expect(liveTensors() - before).toBe(weightTensors(result.model));
    for (const c of result.candidates!) {
      expect(c.latencyMs).toBeGreaterThan(0);
      expect(c.feasible).toBe(c.latencyMs! <= max);
    }
    expect(result.candidates!.find((c) => c.chosen)!.latencyMs!).toBeLessThanOrEqual(max);
    result.model.dispose();
    baseline.dispose();
  });
});
