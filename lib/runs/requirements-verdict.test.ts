import { describe, expect, it } from "vitest";
import { judgeRun, judgeStage, parseRequirements, type JudgedStage } from "./requirements-verdict";

const req = { maxAccuracyDrop: 0.05, minLatencyReduction: 0.4, minSizeReduction: 0.3 };
const stage = (index: number, m: Partial<JudgedStage>): JudgedStage => ({ index, accuracy: null, latencyP50Ms: null, sizeBytes: null, ...m });
const baseline = stage(0, { accuracy: 0.9, latencyP50Ms: 1, sizeBytes: 100_000 });
const passes = (v: ReturnType<typeof judgeStage>) => Object.fromEntries(v!.checks.map((c) => [c.requirement, c.pass]));

describe("judgeStage", () => {
  it("does not judge the baseline", () => {
    expect(judgeStage(baseline, baseline, req)).toBeNull();
  });

  it("checks each requirement against the baseline, with its value and limit", () => {
    const v = judgeStage(stage(2, { accuracy: 0.86, latencyP50Ms: 0.5, sizeBytes: 25_000 }), baseline, req)!;
    expect(v.pass).toBe(true);
    expect(v.checks.map((c) => c.requirement)).toEqual(["maxAccuracyDrop", "minLatencyReduction", "minSizeReduction"]);
    expect(v.checks[0].value).toBeCloseTo(0.04);
    expect(v.checks[1].value).toBeCloseTo(0.5);
    expect(v.checks[2].value).toBeCloseTo(0.75);
    expect(v.checks.map((c) => c.limit)).toEqual([0.05, 0.4, 0.3]);
  });

  it("fails a stage that misses any requirement", () => {
    const v = judgeStage(stage(1, { accuracy: 0.84, latencyP50Ms: 0.8, sizeBytes: 100_000 }), baseline, req)!;
    expect(passes(v)).toEqual({ maxAccuracyDrop: false, minLatencyReduction: false, minSizeReduction: false });
    expect(v.pass).toBe(false);
  });

  it("passes a requirement met exactly despite floating point", () => {
    const v = judgeStage(stage(1, { accuracy: 0.85, latencyP50Ms: 0.6, sizeBytes: 70_000 }), baseline, req)!;
    expect(passes(v)).toEqual({ maxAccuracyDrop: true, minLatencyReduction: true, minSizeReduction: true });
  });

  it("uses the paired speed-up when the stage has one, the p50 ratio otherwise", () => {
    const measured = stage(1, { accuracy: 0.9, latencyP50Ms: 0.5, sizeBytes: 50_000 });
    expect(judgeStage(measured, baseline, req)!.checks[1].value).toBeCloseTo(0.5);
    // p50s say 2×, the paired measure says 1.25× (a reduction of 0.2): the paired one decides.
    const paired = judgeStage({ ...measured, speedup: 1.25 }, baseline, req)!;
    expect(paired.checks[1].value).toBeCloseTo(0.2);
    expect(paired.checks[1].pass).toBe(false);
  });

  it("leaves an unmeasured requirement undecided, and the stage not passing", () => {
    const v = judgeStage(stage(1, { accuracy: 0.9, sizeBytes: 10_000 }), baseline, req)!;
    expect(v.checks[1]).toEqual({ requirement: "minLatencyReduction", value: null, limit: 0.4, pass: null });
    expect(v.pass).toBe(false);
  });

  it("reads malformed stored requirements as the defaults", () => {
    expect(parseRequirements("nonsense")).toEqual(req);
  });
});

describe("judgeRun", () => {
  const judged = (index: number, m: Partial<JudgedStage>) => {
    const s = stage(index, m);
    return { ...s, verdict: judgeStage(s, baseline, req) };
  };

  it("ships the smallest stage meeting every requirement, ties to the higher accuracy", () => {
    const run = judgeRun([
      { ...baseline, verdict: null },
      judged(1, { accuracy: 0.88, latencyP50Ms: 0.5, sizeBytes: 60_000 }),
      judged(2, { accuracy: 0.86, latencyP50Ms: 0.5, sizeBytes: 25_000 }),
      judged(3, { accuracy: 0.89, latencyP50Ms: 0.5, sizeBytes: 25_000 }),
      judged(4, { accuracy: 0.5, latencyP50Ms: 0.1, sizeBytes: 1_000 }), // smallest, but loses 40 pp
    ]);
    expect(run).toEqual({ meetsRequirements: true, shipStageIndex: 3 });
  });

  it("says so when no stage meets them", () => {
    expect(judgeRun([{ ...baseline, verdict: null }, judged(1, { accuracy: 0.9, latencyP50Ms: 1.2, sizeBytes: 150_000 })])).toEqual({ meetsRequirements: false, shipStageIndex: null });
  });

  it("has no verdict for a run without a compressed stage", () => {
    expect(judgeRun([{ ...baseline, verdict: null }])).toEqual({ meetsRequirements: null, shipStageIndex: null });
  });
});
