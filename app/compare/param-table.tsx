"use client";
// The compare view's settings table. A client component so that its rows reach the browser as data (key and one
// value per run) instead of a React element per cell: rendered on the server, 35 settings of 4 runs were 18 kB of
// the page's 45 kB payload, serialised and parsed again on every request.
import type { DiffRow } from "@/lib/dashboard/param-diff";
import { RunLink } from "../_components/run-link";

export function ParamTable({ runs, rows, testId }: { runs: { id: string; experiment: { name: string } }[]; rows: DiffRow[]; testId?: string }) {
  return (
    <div className="table-scroll">
      <table className="data compact" data-testid={testId}>
        <thead>
          <tr><th>Setting</th>{runs.map((r) => <th key={r.id}><RunLink id={r.id}>{r.experiment.name}</RunLink></th>)}</tr>
        </thead>
        <tbody>
          {rows.map((d) => (
            <tr key={d.key} data-differs={d.differs ? "true" : undefined}>
              <td className="mono">{d.key}</td>
              {d.values.map((v, i) => <td key={i} className={`mono${d.differs ? " diff" : ""}`}>{v ?? <span className="muted">—</span>}</td>)}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

