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
