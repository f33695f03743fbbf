import { describe, expect, it } from "vitest";
import { judgeStage } from "../runs/requirements-verdict";
import { compareStages, type StageMetrics } from "./stage-comparison";

const stage = (index: number, technique: string, m: Partial<StageMetrics>): StageMetrics => ({
  index, technique, status: "succeeded", accuracy: null, latencyP50Ms: null, latencyP95Ms: null, sizeBytes: null, paramCount: null, macs: null, sparsity: null, ...m,
});
const requirements = { maxAccuracyDrop: 0.05, minLatencyReduction: 0.4, minSizeReduction: 0.3 };
// As the worker stores them: each stage judged against stage 0 when it ends.
const withVerdicts = (stages: StageMetrics[]) => {
  const base = stages.find((s) => s.index === 0)!;
  return stages.map((s) => ({ ...s, verdict: s.status === "succeeded" ? judgeStage(s, base, requirements) : null }));
};

describe("compareStages", () => {
  const stages = withVerdicts([
    stage(2, "quantize", { accuracy: 0.86, latencyP50Ms: 0.5, sizeBytes: 25_000 }),
    stage(0, "baseline", { accuracy: 0.9, latencyP50Ms: 1, sizeBytes: 100_000 }),
    stage(1, "prune", { accuracy: 0.84, latencyP50Ms: 0.8, sizeBytes: 100_000 }),
    { ...stage(3, "cluster", {}), status: "pending" },
  ]);
  const rows = compareStages(stages);

  it("orders by index and measures every stage against stage 0", () => {
    expect(rows.map((r) => r.stage.index)).toEqual([0, 1, 2, 3]);
    expect(rows[2].deltaAccuracy).toBeCloseTo(-0.04);
    expect(rows[2].speedup).toBe(2);
    expect(rows[2].compressionRatio).toBe(4);
    expect(rows[2].sizeReduction).toBeCloseTo(0.75);
  });

  it("shows the stored verdict per stage", () => {
    expect(rows[0].checks).toEqual({ accuracy: "n/a", latency: "n/a", size: "n/a" });
    expect(rows[0].meetsAll).toBeNull();
    expect(rows[1].checks).toEqual({ accuracy: "fail", latency: "fail", size: "fail" });
    expect(rows[2].checks).toEqual({ accuracy: "pass", latency: "pass", size: "pass" });
    expect(rows[2].meetsAll).toBe(true);
    expect(rows[3].checks.accuracy).toBe("n/a");
    expect(rows[3].meetsAll).toBeNull();
  });

  it("reads the verdict, never recomputes it: a stage without one is not judged", () => {
    const [, r] = compareStages([stage(0, "baseline", { accuracy: 0.9, latencyP50Ms: 1 }), stage(1, "prune", { accuracy: 0.1, latencyP50Ms: 2 })]);
    expect(r.verdict).toBeNull();
    expect(r.checks).toEqual({ accuracy: "n/a", latency: "n/a", size: "n/a" });
    expect(r.meetsAll).toBeNull();
  });

  it("prefers the paired speed-up to the ratio of p50s", () => {
    const [, r] = compareStages([stage(0, "baseline", { latencyP50Ms: 1 }), stage(1, "prune", { latencyP50Ms: 0.5, speedup: 1.1 })]);
    expect(r.speedup).toBe(1.1);
    expect(r.latencyReduction).toBeCloseTo(1 - 1 / 1.1);
  });
});
