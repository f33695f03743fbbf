import { describe, expect, it } from "vitest";
import { seededRandom } from "../../ml/random";
import { allocate, costCurve, predictedDrop, type AllocationUnit } from "./allocate-sparsity";

/** A unit measured at 25/50/75/90 % like the pruning sensitivity does, drops given per point. */
const unit = (name: string, size: number, drops: number[]): AllocationUnit => ({
  name,
  size,
  points: [0.25, 0.5, 0.75, 0.9].map((s, i) => ({ removed: Math.round(size * s), drop: drops[i] })),
});

const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);

describe("sensitivity allocation", () => {
  it("meets the global target exactly and predicts less loss than uniform, sparing the fragile layer", () => {
    const units = [
      unit("fragile", 1000, [0.05, 0.2, 0.5, 0.8]),
      unit("robust", 3000, [0, 0, 0.01, 0.03]),
      unit("middle", 777, [0.01, 0.03, 0.1, 0.3]),
    ];
    const total = 1000 + 3000 + 777;
    for (const target of [0.3, 0.5, 0.7, 0.85]) {
      const a = allocate(units, target);
      expect(sum(a.removed), `target ${target}`).toBe(Math.round(target * total));
      expect(a.achieved).toBeCloseTo(Math.round(target * total) / total, 12);
      for (const u of units) expect(a.removed[u.name]).toBeLessThanOrEqual(Math.round(u.size * 0.9));
      expect(a.uniformPredictedDrop).not.toBeNull();
      expect(a.predictedDrop).toBeLessThan(a.uniformPredictedDrop!);
      expect(a.fractions.fragile).toBeLessThan(target);
      expect(a.fractions.robust).toBeGreaterThan(target);
    }
  });

  it("is optimal on convex curves (exhaustive search) and never predicts worse than uniform on any curve", () => {
    const r = seededRandom(7);
    for (let trial = 0; trial < 150; trial++) {
      const convex = trial % 2 === 0;
      const units = [0, 1, 2].map((i) => {
        const size = 8 + Math.floor(r() * 8);
        // Points at every removed count up to 6, convex (increasing increments) or arbitrary.
        let d = 0;
        let step = r() * 0.02;
        const points = Array.from({ length: 6 }, (_, k) => {
          step = convex ? step + r() * 0.05 : r() * 0.1;
          d += step;
          return { removed: k + 1, drop: d };
        });
        return { name: `u${i}`, size, points };
      });
      const total = units.reduce((a, u) => a + u.size, 0);
      const target = Math.min(0.99, (2 + Math.floor(r() * 14)) / total);
      const want = Math.round(target * total);
      if (want > 18) continue;
      const a = allocate(units, target);
      expect(sum(a.removed)).toBe(want);
      if (a.uniformPredictedDrop !== null) expect(a.predictedDrop).toBeLessThanOrEqual(a.uniformPredictedDrop + 1e-12);
      if (convex) {
        let best = Infinity;
        for (let x = 0; x <= 6; x++)
          for (let y = 0; y <= 6; y++) {
            const z = want - x - y;
            if (z < 0 || z > 6) continue;
            best = Math.min(best, predictedDrop(units[0], x) + predictedDrop(units[1], y) + predictedDrop(units[2], z));
          }
        expect(a.predictedDrop).toBeCloseTo(best, 10);
      }
    }
  });

  it("treats measured gains as noise (no negative, non-decreasing cost) and refuses targets beyond the curves", () => {
    expect(costCurve(unit("u", 100, [-0.01, 0.02, 0.01, 0.05])).map((p) => p.drop)).toEqual([0, 0, 0.02, 0.02, 0.05]);
    expect(() => allocate([unit("a", 100, [0, 0, 0, 0])], 0.95)).toThrow(/needs 95 of 100 removed, but the measured curves reach only 90/);
    expect(() => predictedDrop(unit("a", 100, [0, 0, 0, 0]), 91)).toThrow(/beyond/);
  });
});
