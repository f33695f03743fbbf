import { describe, expect, it } from "vitest";
import { groupBySeed, meanSd } from "./seed-stats";

describe("meanSd", () => {
  it("is the mean and the sample standard deviation", () => {
    const s = meanSd([0.8, 0.82, 0.84])!;
    expect(s.mean).toBeCloseTo(0.82, 12);
    expect(s.sd).toBeCloseTo(0.02, 12); // sqrt(((-0.02)² + 0 + 0.02²) / 2)
    expect(s.n).toBe(3);
    expect(meanSd([0.5])).toEqual({ mean: 0.5, sd: null, n: 1 });
    expect(meanSd([null, undefined, NaN])).toBeNull();
  });
});

describe("groupBySeed", () => {
  const run = (id: string, seedGroup: string | null, accuracy: number | null, finished = true) => ({ id, seedGroup, finished, accuracy, sizeBytes: 100, latencyMs: 1 });
  it("groups runs by key, summarising only the finished ones; a run without a key stands alone", () => {
    const groups = groupBySeed([run("a", "g1", 0.8), run("b", "g2", 0.6), run("c", "g1", 0.9), run("d", "g1", 0.1, false), run("e", null, 0.7)]);
    expect(groups.map((g) => g.runs.map((r) => r.id))).toEqual([["a", "c", "d"], ["b"], ["e"]]);
    expect(groups[0].accuracy?.mean).toBeCloseTo(0.85, 12);
    expect(groups[0].accuracy?.n).toBe(2);
    expect(groups[1].accuracy).toEqual({ mean: 0.6, sd: null, n: 1 });
  });
});
