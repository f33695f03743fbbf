// The Pareto front of cost vs accuracy: the points no other point beats on both axes. Lower x (cost: latency,
// size, MACs, parameters) and higher y (accuracy) are better. The dashboard's scatter draws it; NAS marks its
// candidates with it.
export interface XY {
  x: number;
  y: number;
}

/** True when `a` is at least as good as `b` on both axes and strictly better on one. */
export function dominates(a: XY, b: XY): boolean {
  return a.x <= b.x && a.y >= b.y && (a.x < b.x || a.y > b.y);
}

/**
 * The non-dominated points, ordered by ascending x (so they draw as a staircase-free line from the cheapest
 * to the most accurate). Points with a non-finite coordinate are ignored; exact duplicates appear once.
 * O(n log n): sort by x ascending (ties: higher y first), keep a point when it beats the best y so far.
 */
export function paretoFront<T extends XY>(points: readonly T[]): T[] {
  const sorted = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y)).sort((a, b) => a.x - b.x || b.y - a.y);
  const front: T[] = [];
  let bestY = -Infinity;
  for (const p of sorted) {
    if (p.y > bestY) {
      front.push(p);
      bestY = p.y;
    }
  }
  return front;
}

/** For each point, whether it is on the front — exact duplicates of a front point too (nothing dominates them). */
export function onParetoFront(points: readonly XY[]): boolean[] {
  const front = paretoFront(points);
  return points.map((p) => front.some((f) => f.x === p.x && f.y === p.y));
}
