// Non-uniform pruning from sensitivity (SparseML's / NetAdapt's use of per-layer curves): choose how much of each
// unit (a layer's kernel weights, or a channel group's channels) to remove so that the global target is met
// exactly — Σ removed = round(target · Σ size) — with the least predicted loss, the predicted loss being the sum
// over units of the accuracy each lost when pruned alone (additivity is the usual assumption; the stage then
// fine-tunes and measures the real accuracy).
//
// A unit's predicted drop is linear between its measured points (the unpruned point (0, 0) included), made
// non-negative and non-decreasing (a measured gain from pruning a little is validation noise, not a promise), and
// ends at the unit's last measured point — no unit is pushed past what was measured. The optimum over the lower
// convex hulls of these curves is found greedily (cheapest accuracy per removed weight first, exact for convex
// costs); the answer is then scored on the curves themselves and, should the uniform split score better there
// (possible only where a curve is not convex), the uniform split is returned instead — so the allocation never
// predicts worse than uniform.
import { groupName } from "../prune-structured";
import type { PruningSensitivity } from "./pruning-sensitivity";

export interface AllocationPoint {
  /** Weights (or channels) removed, an integer ≤ size. */
  removed: number;
  /** Accuracy lost (base − measured) at that point. */
  drop: number;
}

export interface AllocationUnit {
  name: string;
  size: number;
  points: AllocationPoint[];
}

export interface Allocation {
  /** Removed count per unit; their sum is exactly round(target · Σ size). */
  removed: Record<string, number>;
  /** removed / size per unit. */
  fractions: Record<string, number>;
  target: number;
  /** Σ removed / Σ size. */
  achieved: number;
  /** Σ predicted drop of this allocation, and of every unit at the target fraction (null when that fraction is
   *  beyond some unit's measured curve, so uniform is no option). */
  predictedDrop: number;
  uniformPredictedDrop: number | null;
  /** "sensitivity", or "uniform" when the uniform split predicted no worse (non-convex curves). */
  chosen: "sensitivity" | "uniform";
}

/** The unit's curve: (0, 0) + its points by removed count, drops clamped ≥ 0 and made non-decreasing. */
export function costCurve(unit: AllocationUnit): AllocationPoint[] {
  const pts = [{ removed: 0, drop: 0 }, ...[...unit.points].filter((p) => p.removed > 0).sort((a, b) => a.removed - b.removed)];
  const out: AllocationPoint[] = [];
  let running = 0;
  for (const p of pts) {
    running = Math.max(running, p.drop, 0);
    if (out.length && out[out.length - 1].removed === p.removed) out[out.length - 1].drop = running;
    else out.push({ removed: p.removed, drop: running });
  }
  return out;
}

/** Predicted drop of `unit` with `removed` of it pruned (linear between points; beyond the last: not allowed). */
export function predictedDrop(unit: AllocationUnit, removed: number): number {
  const c = costCurve(unit);
  const last = c[c.length - 1];
  if (removed > last.removed + 1e-9) throw new Error(`${unit.name}: ${removed} removed is beyond its last measured point (${last.removed})`);
  for (let i = 1; i < c.length; i++) {
    if (removed <= c[i].removed) {
      const t = (removed - c[i - 1].removed) / (c[i].removed - c[i - 1].removed);
      return c[i - 1].drop + t * (c[i].drop - c[i - 1].drop);
    }
  }
  return 0;
}

/** Lower convex hull of a non-decreasing curve, as segments (length in removed count, slope in drop per count). */
function hullSegments(curve: AllocationPoint[]): { length: number; slope: number }[] {
  const hull: AllocationPoint[] = [];
  for (const p of curve) {
    while (hull.length >= 2) {
      const [a, b] = [hull[hull.length - 2], hull[hull.length - 1]];
      // b lies on or above the chord a→p: not a hull vertex.
      if ((b.drop - a.drop) * (p.removed - a.removed) >= (p.drop - a.drop) * (b.removed - a.removed)) hull.pop();
      else break;
    }
    hull.push(p);
  }
  return hull.slice(1).map((p, i) => ({ length: p.removed - hull[i].removed, slope: (p.drop - hull[i].drop) / (p.removed - hull[i].removed) }));
}

/** Integer counts proportional to `shares` summing exactly to `total` (largest remainder). */
function apportion(raw: number[], total: number, caps: number[]): number[] {
  const base = raw.map((r, i) => Math.min(caps[i], Math.floor(r)));
  let left = total - base.reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => [r - Math.floor(r), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left <= 0) break;
    if (base[i] < caps[i]) (base[i]++, left--);
  }
  return base;
}

export function allocate(units: AllocationUnit[], target: number): Allocation {
  if (!units.length) throw new Error("allocate: no units to prune");
  if (!(target >= 0 && target < 1)) throw new Error(`allocate: target ${target} must be in [0, 1)`);
  const total = units.reduce((a, u) => a + u.size, 0);
  const want = Math.round(target * total);
  const curves = units.map(costCurve);
  const caps = curves.map((c) => c[c.length - 1].removed);
  const capacity = caps.reduce((a, b) => a + b, 0);
  if (want > capacity)
    throw new Error(`allocate: a global ${(target * 100).toFixed(1)} % needs ${want} of ${total} removed, but the measured curves reach only ${capacity} (${((capacity / total) * 100).toFixed(1)} %)`);

  // Greedy over hull segments, cheapest first; within a unit its hull's slopes increase, so it fills in order.
  const segments = curves.flatMap((c, u) => hullSegments(c).map((s, k) => ({ ...s, u, k })));
  segments.sort((a, b) => a.slope - b.slope || a.u - b.u || a.k - b.k);
  const removed = units.map(() => 0);
  let left = want;
  for (const s of segments) {
    if (left === 0) break;
    const take = Math.min(s.length, left);
    removed[s.u] += take;
    left -= take;
  }

  const score = (counts: number[]) => counts.reduce((a, k, i) => a + predictedDrop(units[i], k), 0);
  const uniform = apportion(units.map((u) => u.size * (want / total)), want, caps);
  const uniformFeasible = uniform.reduce((a, b) => a + b, 0) === want;
  const sensitivityDrop = score(removed);
  const uniformDrop = uniformFeasible ? score(uniform) : null;
  const chosen = uniformDrop !== null && uniformDrop < sensitivityDrop ? "uniform" : "sensitivity";
  const counts = chosen === "uniform" ? uniform : removed;
  return {
    removed: Object.fromEntries(units.map((u, i) => [u.name, counts[i]])),
    fractions: Object.fromEntries(units.map((u, i) => [u.name, counts[i] / u.size])),
    target,
    achieved: counts.reduce((a, b) => a + b, 0) / total,
    predictedDrop: chosen === "uniform" ? uniformDrop! : sensitivityDrop,
    uniformPredictedDrop: uniformDrop,
    chosen,
  };
}

/** Units for unstructured allocation: each kernel layer, its curve in removed weights. */
export function layerUnits(s: PruningSensitivity): AllocationUnit[] {
  return s.layers.map((l) => ({
    name: l.layer,
    size: l.weights,
    points: l.curve.map((p) => ({ removed: Math.round(l.weights * p.sparsity), drop: s.baseAccuracy - p.accuracy })),
  }));
}

/** Units for structured allocation: each channel group once (named by its producers), its curve in channels. */
export function channelGroupUnits(s: PruningSensitivity): AllocationUnit[] {
  const seen = new Map<string, AllocationUnit>();
  for (const l of s.layers) {
    if (!l.channels) continue;
    const name = groupName(l.channels.group);
    if (!seen.has(name))
      seen.set(name, { name, size: l.channels.channels, points: l.channels.curve.map((p) => ({ removed: p.removed, drop: s.baseAccuracy - p.accuracy })) });
  }
  return [...seen.values()];
}
