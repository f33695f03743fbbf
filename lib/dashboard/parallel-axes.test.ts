import { describe, expect, it } from "vitest";
import type { SweepRunResponse } from "../schemas/sweep";
import { axesOf, passesBrushes, positionOf } from "./parallel-axes";

const run = (id: string, sparsity: number, method: string, accuracy: number | null, sizeBytes = 1000, latencyMs = 1): SweepRunResponse => ({
  id, status: "succeeded", seed: 1, seedGroup: null, values: { "pipeline.1.params.schedule.finalSparsity": sparsity, "pipeline.1.params.method": method }, stoppedEarly: null,
  accuracy, sizeBytes, latencyMs, stagesDone: 2, stages: 2,
});
const fmt = { pct: String, bytes: String, ms: String };

describe("parallel axes", () => {
  const runs = [run("a", 0.3, "unstructured", 0.9), run("b", 0.5, "structured", 0.8, 100_000), run("c", 0.7, "unstructured", null)];
  const axes = axesOf(["pipeline.1.params.schedule.finalSparsity", "pipeline.1.params.method"], runs, fmt);

  it("has one axis per swept parameter, then top-1, size and latency", () => {
    expect(axes.map((a) => a.label)).toEqual(["stage 1 · schedule.finalSparsity", "stage 1 · method", "top-1", "size", "latency p50"]);
    expect(axes[0]).toMatchObject({ kind: "numeric", domain: [0.3, 0.7], log: false });
    expect(axes[1]).toMatchObject({ kind: "categorical", domain: ["unstructured", "structured"] });
    expect(axes[3].log).toBe(true); // sizes 1,000 … 100,000 B
  });

  it("places values between 0 and 1, categories evenly", () => {
    expect(positionOf(axes[0], 0.5)).toBeCloseTo(0.5, 12);
    expect(positionOf(axes[1], "structured")).toBe(1);
    expect(positionOf(axes[3], 10_000)).toBeCloseTo(0.5, 12); // log axis
    expect(positionOf(axes[2], null)).toBeNull();
  });

  it("brushes filter runs on every brushed axis; a run with no value fails a brush on that axis", () => {
    expect(runs.filter((r) => passesBrushes(r, axes, {})).map((r) => r.id)).toEqual(["a", "b", "c"]);
    expect(runs.filter((r) => passesBrushes(r, axes, { [axes[0].key]: [0.4, 1] })).map((r) => r.id)).toEqual(["b", "c"]);
    expect(runs.filter((r) => passesBrushes(r, axes, { [axes[0].key]: [0.4, 1], [axes[1].key]: [0, 0.5] })).map((r) => r.id)).toEqual(["c"]);
    expect(runs.filter((r) => passesBrushes(r, axes, { [axes[2].key]: [0, 1] })).map((r) => r.id)).toEqual(["a", "b"]);
  });
});
