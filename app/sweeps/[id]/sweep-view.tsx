"use client";
// The sweep page: the best run per objective, the runs on the accuracy/cost scatter (seed-group means with
// error bars and their Pareto front), the parallel-coordinates chart whose brushes filter the table below, and
// the table of seed groups (mean ± sd). It re-reads GET /api/sweeps/{id} every 3 s until every run has ended.
import Link from "next/link";
import { useEffect, useMemo, useState } from "react";
import { axesOf, passesBrushes, type Brushes } from "@/lib/dashboard/parallel-axes";
import type { SweepGroupResponse, SweepSnapshot } from "@/lib/schemas/sweep";
import { bytes, ms, pct } from "@/app/_components/format";
import { StatusBadge } from "@/app/_components/status-badge";
import { ParallelCoordinates } from "./parallel-coordinates";
import { SweepScatter } from "./sweep-scatter";
import { RunLink } from "../../_components/run-link";

const ENDED = new Set(["succeeded", "failed", "cancelled"]);
const short = (path: string) => path.replace(/^pipeline\.(\d+)\.params\./, "stage $1 · ");
const ms2 = (v: number) => ms(v);

function meanSd(s: { mean: number; sd: number | null; n: number } | null, fmt: (v: number) => string) {
  if (!s) return "—";
  return s.sd === null ? fmt(s.mean) : `${fmt(s.mean)} ± ${fmt(s.sd)}`;
}

export function SweepView({ initial }: { initial: SweepSnapshot }) {
  const [data, setData] = useState(initial);
  const [brushes, setBrushes] = useState<Brushes>({});
  const live = data.runs.some((r) => !ENDED.has(r.status));

  useEffect(() => {
    if (!live) return;
    const timer = setInterval(async () => {
      const r = await fetch(`/api/sweeps/${data.sweep.id}`).catch(() => null);
      if (r?.ok) setData((await r.json()) as SweepSnapshot);
    }, 3_000);
    return () => clearInterval(timer);
  }, [live, data.sweep.id]);

  const paths = Object.keys(data.sweep.parameters);
  const axes = useMemo(() => axesOf(paths, data.runs, { pct: (v) => pct(v, 1), bytes, ms: ms2 }), [paths.join("|"), data.runs]); // eslint-disable-line react-hooks/exhaustive-deps
  const passing = useMemo(() => new Set(data.runs.filter((r) => passesBrushes(r, axes, brushes)).map((r) => r.id)), [data.runs, axes, brushes]);
  const groups = data.groups.filter((g) => g.runIds.some((id) => passing.has(id)));
  const runOf = new Map(data.runs.map((r) => [r.id, r]));
  const describe = (g: SweepGroupResponse) => paths.map((p) => `${short(p)}=${g.values[p]}`).join(", ");
  const brushed = Object.keys(brushes).length;

  const best = (label: string, id: string | null, value: (id: string) => string, testId: string) => (
    <div className="card" data-testid={testId}>
      <div className="label">{label}</div>
      {id ? <><div><RunLink id={id}>{value(id)}</RunLink></div><div className="muted small">{paths.map((p) => `${short(p)}=${runOf.get(id)?.values[p]}`).join(", ")} · seed {runOf.get(id)?.seed}</div></> : <div className="muted">no finished run yet</div>}
    </div>
  );

  return (
    <div className="stack">
      <h1>Sweep: {data.sweep.name}</h1>
      <p className="muted" data-testid="sweep-summary">
        {data.sweep.method} over {paths.map(short).join(", ")} · seeds {data.sweep.seeds.join(", ")} · {data.runs.length} runs:{" "}
        {Object.entries(data.counts).map(([k, v]) => `${v} ${k === "stoppedEarly" ? "stopped early" : k}`).join(", ")}
        {data.sweep.earlyTermination.enabled ? ` · early termination: beaten by ≥ ${pct(data.sweep.earlyTermination.accuracyMargin, 1)} at a stage (same seed, no larger, no slower)` : " · no early termination"}
        {" · "}<Link href={`/?q=${encodeURIComponent(data.sweep.name)}`}>in the runs table</Link>
      </p>
      <div className="cards">
        {best("Most accurate", data.best.accuracy, (id) => pct(runOf.get(id)?.accuracy, 2), "best-accuracy")}
        {best("Smallest", data.best.sizeBytes, (id) => bytes(runOf.get(id)?.sizeBytes), "best-size")}
        {best("Fastest", data.best.latencyMs, (id) => ms(runOf.get(id)?.latencyMs), "best-latency")}
      </div>
      <section className="panel">
        <h2>Accuracy against cost</h2>
        <SweepScatter runs={data.runs} groups={data.groups} passing={passing} describe={describe} />
      </section>
      <section className="panel">
        <div className="row">
          <h2 style={{ margin: 0 }}>Parameters and metrics</h2>
          <span className="spacer" />
          <span className="muted small">Drag along an axis to filter the table; click an axis to clear it.</span>
          {brushed ? <button type="button" className="button secondary small" onClick={() => setBrushes({})} data-testid="clear-brushes">Clear {brushed} filter{brushed === 1 ? "" : "s"}</button> : null}
        </div>
        <ParallelCoordinates axes={axes} runs={data.runs} brushes={brushes} passing={passing}
          onBrush={(key, range) => setBrushes((b) => { const { [key]: _, ...rest } = b; return range ? { ...rest, [key]: range } : rest; })} />
      </section>
      <section>
        <h2>Settings, mean ± sd over seeds <span className="muted small" data-testid="sweep-table-count">({groups.length} of {data.groups.length})</span></h2>
        <div className="table-scroll">
          <table className="data" data-testid="sweep-table">
            <thead>
              <tr>
                {paths.map((p) => <th key={p}>{short(p)}</th>)}
                <th>Runs (seed: status)</th>
                <th className="num">Top-1</th>
                <th className="num">Size</th>
                <th className="num">Latency p50</th>
              </tr>
            </thead>
            <tbody>
              {groups.map((g) => (
                <tr key={g.key} data-testid="sweep-row">
                  {paths.map((p) => <td key={p} data-testid="sweep-value">{String(g.values[p])}</td>)}
                  <td>
                    {g.runIds.map((id) => {
                      const r = runOf.get(id)!;
                      return (
                        <span key={id} style={{ marginRight: 10 }} title={r.stoppedEarly?.message}>
                          <RunLink id={id}>seed {r.seed}</RunLink>:{" "}
                          {r.stoppedEarly ? <span className="badge cancelled" data-testid="stopped-early">stopped early (stage {r.stoppedEarly.stageIndex})</span> : <StatusBadge status={r.status} />}
                        </span>
                      );
                    })}
                  </td>
                  <td className="num" data-testid="group-accuracy">{meanSd(g.accuracy, (v) => pct(v, 2))}</td>
                  <td className="num">{meanSd(g.sizeBytes, bytes)}</td>
                  <td className="num">{meanSd(g.latencyMs, ms2)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}
