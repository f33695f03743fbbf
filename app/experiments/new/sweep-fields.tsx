"use client";
// "Sweep this field": pick fields of the draft and give each a list of values; the form then creates a sweep
// (POST /api/sweeps, a grid × the seeds) instead of one run.
import { useMemo } from "react";
import { parseSeeds, parseSweepValues, sweepableFields } from "@/lib/dashboard/sweep-draft";
import type { TechniqueInfo } from "@/lib/dashboard/technique-fields";

export interface SweepRow {
  path: string;
  values: string;
}

/** Runs the draft sweep would make: the product of the value counts, × the seeds (0 when nothing is swept). */
export function sweepRunCount(rows: readonly SweepRow[], seeds: string): number {
  const counts = rows.map((r) => parseSweepValues(r.values).length).filter((n) => n > 0);
  return counts.length ? counts.reduce((a, b) => a * b, 1) * Math.max(1, parseSeeds(seeds).length) : 0;
}

export function SweepFields({ stages, techniques, rows, seeds, onChange }: {
  stages: readonly { technique: string }[];
  techniques: readonly TechniqueInfo[];
  rows: SweepRow[];
  seeds: string;
  onChange: (rows: SweepRow[], seeds: string) => void;
}) {
  const fields = useMemo(() => sweepableFields(stages, techniques), [stages, techniques]);
  const runs = sweepRunCount(rows, seeds);
  const set = (i: number, row: Partial<SweepRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...row } : r)), seeds);
  return (
    <fieldset data-testid="sweep-fields">
      <legend>Sweep</legend>
      <p className="muted small" style={{ marginTop: 0 }}>
        Sweep a field over several values to launch every combination, once per seed, as one sweep (its page compares them, with mean ± sd over seeds).
        Trials already beaten at a stage by a finished one are stopped early.
      </p>
      {rows.map((row, i) => (
        <div className="grid2" key={i} style={{ gridTemplateColumns: "2fr 2fr auto" }}>
          <div className="field">
            <label htmlFor={`sweep-path-${i}`}>Field</label>
            <select id={`sweep-path-${i}`} value={row.path} onChange={(e) => set(i, { path: e.target.value })} data-testid={`sweep-path-${i}`}>
              {fields.map((f) => (
                <option key={f.path} value={f.path}>{f.label}</option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`sweep-values-${i}`}>Values</label>
            <input id={`sweep-values-${i}`} value={row.values} placeholder="comma-separated, e.g. 0.3, 0.5, 0.7" onChange={(e) => set(i, { values: e.target.value })} data-testid={`sweep-values-${i}`} />
          </div>
          <div className="field" style={{ alignSelf: "end" }}>
            <button type="button" className="button secondary small" onClick={() => onChange(rows.filter((_, j) => j !== i), seeds)}>Remove</button>
          </div>
        </div>
      ))}
      <div className="row">
        <button type="button" className="button secondary small" onClick={() => onChange([...rows, { path: fields[0]?.path ?? "training.epochs", values: "" }], seeds)} data-testid="sweep-add">
          Sweep this field…
        </button>
        {rows.length ? (
          <label className="inline">
            <span>Seeds</span>
            <input value={seeds} onChange={(e) => onChange(rows, e.target.value)} placeholder="e.g. 1, 2" aria-label="Seeds" data-testid="sweep-seeds" style={{ width: "8em" }} />
          </label>
        ) : null}
        {runs ? <span className="muted" data-testid="sweep-count">{runs} run{runs === 1 ? "" : "s"}</span> : null}
      </div>
    </fieldset>
  );
}
