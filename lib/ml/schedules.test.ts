import { describe, expect, it } from "vitest";
import { learningRateAt } from "./schedules";

const at = (s: Parameters<typeof learningRateAt>[0], step: number, total = 100, perEpoch = 10) => learningRateAt(s, 0.1, step, total, perEpoch);

describe("learningRateAt", () => {
  it("is constant by default", () => {
    expect(at(undefined, 0)).toBe(0.1);
    expect(at({ kind: "constant" }, 99)).toBe(0.1);
  });

  it("cosine: warms up linearly, then decays to the floor", () => {
    const s = { kind: "cosine", warmupEpochs: 1, minFactor: 0.01 } as const;
    expect(at(s, 0)).toBeCloseTo(0.01);
    expect(at(s, 9)).toBeCloseTo(0.1);
    expect(at(s, 10)).toBeCloseTo(0.1);
    expect(at(s, 55)).toBeCloseTo((0.1 + 0.001) / 2, 4);
    expect(at(s, 100)).toBeCloseTo(0.001);
    for (let i = 11; i < 100; i++) expect(at(s, i)).toBeLessThanOrEqual(at(s, i - 1));
  });

  it("one-cycle: base/25 → peak at 30% → base/25/1e4 at the end", () => {
    const s = { kind: "one-cycle" } as const;
    expect(at(s, 0)).toBeCloseTo(0.004);
    expect(at(s, 29)).toBeCloseTo(0.1);
    expect(at(s, 99)).toBeCloseTo(0.004 / 1e4, 8);
    expect(Math.max(...Array.from({ length: 100 }, (_, i) => at(s, i)))).toBeCloseTo(0.1);
  });

  it("step: multiplies by gamma every N epochs", () => {
    const s = { kind: "step", everyEpochs: 3, gamma: 0.5 } as const;
    expect(at(s, 29)).toBe(0.1);
    expect(at(s, 30)).toBe(0.05);
    expect(at(s, 65)).toBe(0.025);
  });
});
