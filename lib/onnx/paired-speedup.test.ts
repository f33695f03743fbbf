import { describe, expect, it } from "vitest";
import { noMeasurableChange, pairedSpeedup, percentile } from "./paired-speedup";

describe("pairedSpeedup", () => {
  it("is the median of per-round baseline/candidate ratios, not the ratio of medians", () => {
    // Round 3 is slowed for both models (other work on the machine): its ratio is still 2.
    const a = [2, 2, 20, 2, 2];
    const b = [1, 1, 10, 1, 1];
    const s = pairedSpeedup(a, b);
    expect(s.median).toBe(2);
    expect(s.low).toBe(2);
    expect(s.high).toBe(2);
    expect(s.rounds).toBe(5);
    expect(noMeasurableChange(s)).toBe(false);
  });

  it("spread is the 10th–90th percentile of the ratios; an even count takes the middle two for the median", () => {
    const b = Array.from({ length: 10 }, () => 1);
    const a = [0.8, 0.9, 0.95, 1, 1.02, 1.04, 1.1, 1.2, 1.3, 1.5];
    const s = pairedSpeedup([...a].reverse(), b);
    expect(s.median).toBeCloseTo(1.03, 12);
    expect(s.low).toBe(0.8);
    expect(s.high).toBe(1.3);
    expect(noMeasurableChange(s)).toBe(true);
  });

  it("a spread entirely above or below 1 is a measurable change", () => {
    expect(noMeasurableChange({ low: 1.05, high: 1.4 })).toBe(false);
    expect(noMeasurableChange({ low: 0.5, high: 0.97 })).toBe(false);
    expect(noMeasurableChange({ low: 0.97, high: 1 })).toBe(true);
  });

  it("rejects unpaired or non-positive latencies", () => {
    expect(() => pairedSpeedup([1, 2], [1])).toThrow(/equal/);
    expect(() => pairedSpeedup([], [])).toThrow(/non-empty/);
    expect(() => pairedSpeedup([1], [0])).toThrow(/positive/);
  });

  it("nearest-rank percentile", () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(xs, 10)).toBe(10);
    expect(percentile(xs, 90)).toBe(90);
    expect(percentile([], 50)).toBeNaN();
  });
});
