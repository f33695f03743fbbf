import { describe, expect, it } from "vitest";
import { earlyStopOf, type TrialPoint } from "./early-termination";

const p = (runId: string, accuracy: number | null, sizeBytes: number | null, latencyMs: number | null): TrialPoint => ({ runId, accuracy, sizeBytes, latencyMs });

describe("earlyStopOf", () => {
  const trial = p("t", 0.8, 1000, 1.0);

  it("stops a trial beaten by more than the margin at no more size and no more latency", () => {
    expect(earlyStopOf(trial, [p("a", 0.85, 900, 0.9)], 0.01)).toEqual({ bySize: p("a", 0.85, 900, 0.9), byLatency: p("a", 0.85, 900, 0.9) });
    // two different trials, one smaller, one faster: still off both fronts
    const stop = earlyStopOf(trial, [p("small", 0.82, 800, 2.0), p("fast", 0.9, 5000, 0.5)], 0.01);
    expect(stop?.bySize.runId).toBe("small");
    expect(stop?.byLatency.runId).toBe("fast");
  });

  it("keeps a trial that is on one front (smaller, or faster, or within the margin)", () => {
    expect(earlyStopOf(trial, [p("a", 0.85, 1100, 0.9)], 0.01)).toBeNull(); // the trial is smaller
    expect(earlyStopOf(trial, [p("a", 0.85, 900, 1.1)], 0.01)).toBeNull(); // the trial is faster
    expect(earlyStopOf(trial, [p("a", 0.805, 900, 0.9)], 0.01)).toBeNull(); // 0.5 pp: noise, not a result
    expect(earlyStopOf(trial, [], 0.01)).toBeNull();
  });

  it("never stops on missing measurements, nor against itself", () => {
    expect(earlyStopOf(p("t", null, 1000, 1), [p("a", 0.9, 900, 0.9)], 0.01)).toBeNull();
    expect(earlyStopOf(trial, [p("a", 0.9, null, 0.9)], 0.01)).toBeNull();
    expect(earlyStopOf(trial, [p("t", 0.9, 900, 0.9)], 0.01)).toBeNull();
  });
});
