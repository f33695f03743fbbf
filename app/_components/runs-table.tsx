// The runs table (server-rendered): sortable headers are links, rows carry a checkbox for the compare view.
import Link from "next/link";
import type { RunList, RunRow } from "@/lib/runs/list-runs";
import { runQueryString, type RunQuery, type RunSort } from "@/lib/runs/run-query";
import { RunProgress } from "@/lib/schemas/run";
import { bytes, duration, ms, pct, when } from "./format";
import { StatusBadge } from "./status-badge";
import { RunLink } from "./run-link";

function SortHeader({ query, sort, label, num }: { query: RunQuery; sort: RunSort; label: string; num?: boolean }) {
  const active = query.sort === sort;
  // A new column sorts best-first: descending, except latency and size where smaller is better.
  const firstDir = sort === "latency" || sort === "size" || sort === "name" ? "asc" : "desc";
  const dir = active ? (query.dir === "asc" ? "desc" : "asc") : firstDir;
  return (
    <th className={num ? "num" : undefined} aria-sort={active ? (query.dir === "asc" ? "ascending" : "descending") : undefined}>
      <Link href={`/${runQueryString(query, { sort, dir, page: 1 })}`} className="sort">
        {label}<span aria-hidden="true" className="sort-mark">{active ? (query.dir === "asc" ? " ▲" : " ▼") : ""}</span>
      </Link>
    </th>
  );
}

function Status({ run }: { run: RunRow }) {
  const p = RunProgress.safeParse(run.progress);
  const fraction = run.status === "running" && p.success ? p.data.fraction : null;
  return (
    <div className="status-cell">
      <StatusBadge status={run.status} />
      <div className="progress mini" role={fraction != null ? "progressbar" : undefined} aria-valuenow={fraction != null ? Math.round(fraction * 100) : undefined} aria-label={fraction != null ? "progress" : undefined} style={{ visibility: fraction != null ? "visible" : "hidden" }}>
        <div style={{ width: `${(fraction ?? 0) * 100}%` }} />
      </div>
    </div>
  );
}

function Verdict({ run }: { run: RunRow }) {
  if (run.meetsRequirements == null) return <span className="check-na">—</span>;
  return run.meetsRequirements
    ? <span className="check-pass" data-testid="run-meets" title={run.shipStageIndex != null ? `ship stage ${run.shipStageIndex}` : undefined}>✓ met{run.shipStageIndex != null ? ` · stage ${run.shipStageIndex}` : ""}</span>
    : <span className="check-fail" data-testid="run-meets">✗ missed</span>;
}

export function RunsTable({ list, query }: { list: RunList; query: RunQuery }) {
  return (
    <table className="data runs" data-testid="runs-table">
      <thead>
        <tr>
          <th className="check"><span className="sr-only">Compare</span></th>
          <SortHeader query={query} sort="name" label="Experiment" />
          <th>Pipeline</th>
          <SortHeader query={query} sort="status" label="Status" />
          <SortHeader query={query} sort="accuracy" label="Best top-1" num />
          <SortHeader query={query} sort="latency" label="Latency p50" num />
          <SortHeader query={query} sort="size" label="ONNX size" num />
          <th title="the worker's verdict: some compressed stage meets every requirement of the run">Requirements</th>
          <th>Backend</th>
          <SortHeader query={query} sort="started" label="Started" />
          <th className="num">Duration</th>
        </tr>
      </thead>
      <tbody>
        {list.rows.map((run) => (
          <tr key={run.id}>
            <td className="check"><input type="checkbox" name="run" value={run.id} aria-label={`Select ${run.experiment.name} for comparison`} /></td>
            <td>
              <RunLink id={run.id}>{run.experiment.name}</RunLink>
              <div className="muted small">{run.experiment.baseArch} · {run.experiment.datasetId}{run.tags.length ? ` · ${run.tags.map((t) => `#${t}`).join(" ")}` : ""}</div>
            </td>
            <td className="pipeline-cell" title={run.pipelineSummary}>{run.pipelineSummary}</td>
            <td><Status run={run} /></td>
            <td className="num">{pct(run.bestAccuracy)}</td>
            <td className="num">{ms(run.finalLatencyMs)}</td>
            <td className="num">{bytes(run.finalSizeBytes)}</td>
            <td><Verdict run={run} /></td>
            <td>{run.backend ?? "—"}</td>
            <td>{when(run.startedAt ?? run.queuedAt)}</td>
            <td className="num">{run.startedAt ? duration(run.startedAt, run.finishedAt) : "—"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Pagination({ list, query }: { list: RunList; query: RunQuery }) {
  const first = list.total === 0 ? 0 : (list.page - 1) * list.pageSize + 1;
  const last = Math.min(list.total, list.page * list.pageSize);
  // Next follows the page's cursor (a keyset seek however deep); the other links are page numbers.
  const link = (page: number, label: string, rel?: string) =>
    page < 1 || page > list.pages || page === list.page ? (
      <span className="button secondary disabled" aria-disabled="true">{label}</span>
    ) : (
      <Link className="button secondary" href={`/${runQueryString(query, page === list.page + 1 && list.nextCursor ? { page, after: list.nextCursor } : { page })}`} rel={rel}>{label}</Link>
    );
  return (
    <nav className="row pagination" aria-label="Pages">
      <span className="muted" data-testid="runs-count">{first.toLocaleString("en-US")}–{last.toLocaleString("en-US")} of {list.total.toLocaleString("en-US")} runs</span>
      <span className="spacer" />
      {link(1, "« First")}
      {link(list.page - 1, "‹ Previous", "prev")}
      <span className="muted">page {list.page} of {list.pages}</span>
      {link(list.page + 1, "Next ›", "next")}
      {link(list.pages, "Last »")}
    </nav>
  );
}
