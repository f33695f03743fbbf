import { describe, expect, it } from "vitest";
import { dominates, onParetoFront, paretoFront } from "./pareto";

describe("paretoFront", () => {
  it("keeps the points nothing beats on both lower latency and higher accuracy", () => {
    const points = [
      { x: 10, y: 0.9, id: "base" },
      { x: 4, y: 0.88, id: "int8" },
      { x: 5, y: 0.85, id: "pruned" }, // dominated by int8 (faster and more accurate)
      { x: 2, y: 0.7, id: "tiny" },
      { x: 12, y: 0.89, id: "slow" }, // dominated by base
    ];
    expect(paretoFront(points).map((p) => p.id)).toEqual(["tiny", "int8", "base"]);
  });

  it("orders by ascending x and breaks x ties by the higher y", () => {
    expect(paretoFront([{ x: 1, y: 0.5 }, { x: 1, y: 0.6 }, { x: 3, y: 0.9 }])).toEqual([{ x: 1, y: 0.6 }, { x: 3, y: 0.9 }]);
  });

  it("keeps one of exact duplicates and ignores non-finite points", () => {
    expect(paretoFront([{ x: 1, y: 1 }, { x: 1, y: 1 }, { x: NaN, y: 2 }, { x: 0, y: Infinity }])).toEqual([{ x: 1, y: 1 }]);
  });

  it("is empty for no points and every front point is non-dominated", () => {
    expect(paretoFront([])).toEqual([]);
    const pts = Array.from({ length: 200 }, (_, i) => ({ x: ((i * 37) % 101) + 1, y: ((i * 53) % 97) / 97 }));
    const front = paretoFront(pts);
    for (const f of front) expect(pts.some((p) => dominates(p, f))).toBe(false);
    for (const p of pts) if (!front.includes(p)) expect(front.some((f) => dominates(f, p) || (f.x === p.x && f.y === p.y))).toBe(true);
  });
});

describe("paretoFront on many points (the bucketed pre-filter)", () => {
  /** The same rule without the pre-filter: every finite point sorted. */
  const bySorting = (pts: { x: number; y: number }[]) => {
    const sorted = pts.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y)).sort((a, b) => a.x - b.x || b.y - a.y);
    let best = -Infinity;
    return sorted.filter((p) => (p.y > best ? ((best = p.y), true) : false));
  };
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

  it.each([
    ["costs spread over decades", () => ({ x: Math.exp(random() * 8), y: random() })],
    ["zero and negative costs, repeated values", () => ({ x: Math.round(random() * 40) - 10, y: Math.round(random() * 50) / 50 })],
    ["accuracy rising with cost, a few non-finite", () => { const x = random() * 100; return { x: random() < 0.01 ? NaN : x, y: x / 100 - random() * 0.05 }; }],
    ["one cost", () => ({ x: 3, y: random() })],
  ])("finds the same front as a full sort: %s", (_, point) => {
    const pts = Array.from({ length: 20_000 }, point);
    const front = paretoFront(pts);
    expect(front).toEqual(bySorting(pts));
    expect(front.length).toBeGreaterThan(0);
  });
});

describe("dominates", () => {
  it("needs one strict improvement", () => {
    expect(dominates({ x: 1, y: 1 }, { x: 1, y: 1 })).toBe(false);
    expect(dominates({ x: 1, y: 1 }, { x: 2, y: 1 })).toBe(true);
    expect(dominates({ x: 1, y: 0.5 }, { x: 2, y: 1 })).toBe(false);
  });
});

describe("onParetoFront", () => {
  it("marks each point in input order, an exact duplicate of a front point as on it, non-finite ones as off", () => {
    const pts = [{ x: 3, y: 0.6 }, { x: 1, y: 0.5 }, { x: 2, y: 0.7 }, { x: 1, y: 0.5 }, { x: NaN, y: 1 }];
    expect(onParetoFront(pts)).toEqual([false, true, true, true, false]);
  });
});
