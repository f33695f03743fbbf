import { beforeAll, describe, expect, it } from "vitest";
import { modelStats } from "../ml/model-stats";
import { nas } from "./nas";
import { exportOnnx } from "../onnx/export";
import { measureLatency } from "../onnx/session";
import { buildNasModel, paretoFront, type NasConfig } from "./nas-space";
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

  it("under a latency budget, measures every candidate in onnxruntime-node, records the slow ones as infeasible and never trains them", async () => {
    const baseline = tinyModel("small-cnn");
    const { ctx } = testContext(baseline);
    // Four configs from tiny to large; the budget lies between the smallest's and the largest's latency as measured
    // here and now (their geometric mean), so it is infeasible for some whatever the machine's speed. Asking for
    // four candidates makes the search sample the whole space.
    const space = { widths: [0.35, 2], depths: [1, 3], kernels: [7 as const], expansions: [6] };
    const [h, w, c] = ctx.inputShape;
    const latency = async (config: NasConfig) => {
      const model = buildNasModel(config, { inputShape: ctx.inputShape, numClasses: ctx.numClasses, seed: ctx.seed });
      const bytes = exportOnnx(model, { precision: "fp32" });
      model.dispose();
      return (await measureLatency(bytes, [1, c, h, w], { threads: 1, runs: 200 })).p50Ms;
    };
    const smallest = await latency({ width: 0.35, depth: 1, kernel: 7, expansion: 6 });
    const largest = await latency({ width: 2, depth: 3, kernel: 7, expansion: 6 });
    expect(largest).toBeGreaterThan(smallest * 2); // the premise: the space spans a real range of latency
    const max = Math.sqrt(smallest * largest);
    const before = liveTensors();
    const params = NasParams.parse({ budget: { kind: "latencyMs", max }, candidates: 4, proxyEpochs: 0.1, proxyImages: 100, ...space });
    const result = await nas.apply(baseline, params, ctx);
    expect(liveTensors() - before).toBe(weightTensors(result.model));
    const cands = result.candidates!;
    expect(cands).toHaveLength(4);
    for (const cand of cands) {
      expect(cand.latencyMs).toBeGreaterThan(0);
      expect(cand.feasible).toBe(cand.latencyMs! <= max);
    }
    const infeasible = cands.filter((cand) => !cand.feasible);
    expect(infeasible.length).toBeGreaterThan(0);
    expect(infeasible.length).toBeLessThan(cands.length);
    for (const cand of infeasible) expect(cand).toMatchObject({ rungs: [], valAccuracy: 0, pareto: false, chosen: false });
    for (const cand of cands.filter((x) => x.feasible)) expect(cand.rungs.length).toBeGreaterThan(0);
    expect(cands.find((cand) => cand.chosen)!.latencyMs!).toBeLessThanOrEqual(max);
    result.model.dispose();
    baseline.dispose();
  });

  it("fails with the smallest cost it saw when no architecture fits the budget, leaking nothing", async () => {
    const baseline = tinyModel("small-cnn");
    const { ctx } = testContext(baseline);
    const before = liveTensors();
    const params = NasParams.parse({ budget: { kind: "params", max: 10 }, candidates: 2, widths: [0.35], depths: [1], kernels: [3], expansions: [2] });
    await expect(nas.apply(baseline, params, ctx)).rejects.toThrow(/no architecture of the search space fits the budget \(params ≤ 10\); the smallest sampled had params \d+/);
    expect(liveTensors()).toBe(before);
    baseline.dispose();
  });

  it("refuses before queueing exactly the parameter and MAC budgets that no built architecture of the space meets", () => {
    const space = { widths: [0.35, 0.5], depths: [1], kernels: [3], expansions: [2, 4] };
    const data = { inputShape: [16, 16, 1] as [number, number, number], numClasses: 4 };
    const built = space.widths.flatMap((width) => space.expansions.map((expansion) => {
      const model = buildNasModel({ width, depth: 1, kernel: 3, expansion }, { ...data, seed: 1 });
      const stats = modelStats(model);
      model.dispose();
      return stats;
    }));
    for (const kind of ["params", "macs"] as const) {
      const smallest = Math.min(...built.map((s) => s[kind]));
      const check = (max: number) => nas.checkBeforeQueue!(NasParams.parse({ ...space, budget: { kind, max } }), data);
      expect(check(smallest - 1), kind).toMatch(new RegExp(`fits the budget \\(${kind} ≤ ${smallest - 1}\\): the smallest has ${smallest} ${kind}`));
      expect(check(smallest), kind).toBeNull();
    }
    expect(nas.checkBeforeQueue!(NasParams.parse({ ...space, budget: { kind: "latencyMs", max: 1e-6 } }), data)).toBeNull();
  });
});
