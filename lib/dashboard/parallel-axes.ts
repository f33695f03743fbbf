// The axes of a sweep's parallel-coordinates chart, pure: one per swept parameter and one per metric, each
// mapping a run's value to a position 0 (bottom) … 1 (top), and the brushes that filter runs by those positions.
import type { SweepRunResponse, SweptValue } from "../schemas/sweep";

export interface Axis {
  key: string;
  label: string;
  kind: "numeric" | "categorical";
  /** numeric: [min, max] of the values (log when they span 20× or more, all positive); categorical: the values in order */
  domain: [number, number] | SweptValue[];
  log: boolean;
  /** a run's value on this axis, null when it has none (a metric not measured yet) */
  value: (run: SweepRunResponse) => SweptValue | null;
  format: (v: SweptValue) => string;
}

/** A brush: the runs whose position on the axis lies in [lo, hi] (positions 0 … 1) pass. */
export type Brushes = Record<string, [number, number]>;

const metric = (key: "accuracy" | "sizeBytes" | "latencyMs", label: string, format: (v: number) => string) => ({ key, label, value: (r: SweepRunResponse) => r[key], format: (v: SweptValue) => format(Number(v)) });

function numericDomain(values: number[]): { domain: [number, number]; log: boolean } {
  const min = Math.min(...values);
  const max = Math.max(...values);
  return { domain: [min, max], log: min > 0 && max / min >= 20 };
}

/** The axes for these runs: each swept path (in the sweep's order), then top-1, size and latency. */
export function axesOf(paths: readonly string[], runs: readonly SweepRunResponse[], formats: { pct: (v: number) => string; bytes: (v: number) => string; ms: (v: number) => string }): Axis[] {
  const params: Axis[] = paths.map((path) => {
    const values = runs.map((r) => r.values[path]).filter((v): v is SweptValue => v !== undefined);
    const numeric = values.length > 0 && values.every((v) => typeof v === "number");
    const label = path.replace(/^pipeline\.(\d+)\.params\./, "stage $1 · ");
    if (numeric) return { key: `param:${path}`, label, kind: "numeric", ...numericDomain(values as number[]), value: (r) => r.values[path] ?? null, format: (v) => String(v) };
    return { key: `param:${path}`, label, kind: "categorical", domain: [...new Set(values)], log: false, value: (r) => r.values[path] ?? null, format: (v) => String(v) };
  });
  const metrics = [metric("accuracy", "top-1", formats.pct), metric("sizeBytes", "size", formats.bytes), metric("latencyMs", "latency p50", formats.ms)].map((m): Axis => {
    const values = runs.map(m.value).filter((v): v is number => v !== null);
    return { ...m, kind: "numeric", ...(values.length ? numericDomain(values) : { domain: [0, 1] as [number, number], log: false }) };
  });
  return [...params, ...metrics];
}

/** Where a value sits on the axis, 0 (bottom) … 1 (top); null when the run has no value there. */
export function positionOf(axis: Axis, v: SweptValue | null): number | null {
  if (v === null) return null;
  if (axis.kind === "categorical") {
    const domain = axis.domain as SweptValue[];
    const i = domain.indexOf(v);
    if (i < 0) return null;
    return domain.length === 1 ? 0.5 : i / (domain.length - 1);
  }
  const [min, max] = axis.domain as [number, number];
  const x = Number(v);
  if (max === min) return 0.5;
  return axis.log ? (Math.log(x) - Math.log(min)) / (Math.log(max) - Math.log(min)) : (x - min) / (max - min);
}

/** The value at a position (for a numeric axis's tick labels). */
export function valueAt(axis: Axis, position: number): number {
  const [min, max] = axis.domain as [number, number];
  return axis.log ? Math.exp(Math.log(min) + position * (Math.log(max) - Math.log(min))) : min + position * (max - min);
}

/** Whether a run passes every brush: its position on each brushed axis is inside (a run with no value fails). */
export function passesBrushes(run: SweepRunResponse, axes: readonly Axis[], brushes: Brushes): boolean {
  for (const axis of axes) {
    const brush = brushes[axis.key];
    if (!brush) continue;
    const p = positionOf(axis, axis.value(run));
    if (p === null || p < brush[0] - 1e-9 || p > brush[1] + 1e-9) return false;
  }
  return true;
}
