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
 * O(n log n): sort by x ascending (ties: higher y first), keep a point when it beats the best y so far. Past a few
 * thousand points only the candidates are sorted (see `candidates`): the dashboard's scatter finds the front of
 * 100,000 stages, which a full sort took ~110 ms of the browser's main thread to do.
 */
export function paretoFront<T extends XY>(points: readonly T[]): T[] {
  const finite = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  const sorted = (finite.length > PREFILTER_FROM ? candidates(finite) : finite).sort((a, b) => a.x - b.x || b.y - a.y);
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

const PREFILTER_FROM = 4096;
const BUCKETS = 1024;

/**
 * The points that may be on the front, in linear time: the points go into buckets by x (by log x when every x is
 * positive: costs are spread over decades), and a point is dropped when an earlier bucket — all of whose points
 * have a smaller x — holds a point at least as accurate, which dominates it. What is left is exact, and small.
 */
function candidates<T extends XY>(points: T[]): T[] {
  const positive = points.every((p) => p.x > 0);
  const key = positive ? (p: XY) => Math.log(p.x) : (p: XY) => p.x;
  let lo = Infinity, hi = -Infinity;
  for (const p of points) {
    const k = key(p);
    if (k < lo) lo = k;
    if (k > hi) hi = k;
  }
  if (!(hi > lo)) return points;
  const bucketOf = (p: XY) => Math.min(BUCKETS - 1, Math.floor(((key(p) - lo) / (hi - lo)) * BUCKETS));
  const bestIn = new Float64Array(BUCKETS).fill(-Infinity);
  for (const p of points) {
    const b = bucketOf(p);
    if (p.y > bestIn[b]) bestIn[b] = p.y;
  }
  const bestBefore = new Float64Array(BUCKETS);
  let best = -Infinity;
  for (let b = 0; b < BUCKETS; b++) {
    bestBefore[b] = best;
    if (bestIn[b] > best) best = bestIn[b];
  }
  return points.filter((p) => p.y > bestBefore[bucketOf(p)]);
}

/** For each point, whether it is on the front — exact duplicates of a front point too (nothing dominates them). */
export function onParetoFront(points: readonly XY[]): boolean[] {
  const front = paretoFront(points);
  return points.map((p) => front.some((f) => f.x === p.x && f.y === p.y));
}
