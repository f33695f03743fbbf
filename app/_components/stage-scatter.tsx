"use client";
// Latency (or size, or MACs) against top-1 accuracy for every measured stage in view, coloured by technique,
// sized by file size, with the Pareto front drawn as a line. Points come from /api/stages (the table's
// filters, or `runs=a,b`), or are passed in. The box has a fixed height, so nothing moves when data arrives.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useMemo, useState } from "react";
import { CartesianGrid, Legend, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis, ZAxis } from "recharts";
import { paretoFront } from "@/lib/ml/pareto";
import type { StagePoint, StagePoints } from "@/lib/runs/list-stage-points";
import { bytes, compact, ms, pct, techniqueColor } from "./format";

const AXES = {
  latency: { label: "Latency p50 (ms, onnxruntime, batch 1)", get: (p: StagePoint) => p.latencyP50Ms, fmt: (v: number) => ms(v) },
  size: { label: "ONNX size", get: (p: StagePoint) => p.sizeBytes, fmt: (v: number) => bytes(v) },
  macs: { label: "MACs", get: (p: StagePoint) => p.macs, fmt: (v: number) => compact(v) },
} as const;
type AxisKey = keyof typeof AXES;

type Datum = StagePoint & { x: number; y: number; z: number };

export function StageScatter({ apiQuery, initial, height = 340 }: { apiQuery?: string; initial?: StagePoints; height?: number }) {
  const router = useRouter();
  const [data, setData] = useState<StagePoints | null>(initial ?? null);
  const [error, setError] = useState<string | null>(null);
  const [axis, setAxis] = useState<AxisKey>("latency");
  const [log, setLog] = useState(true);

  useEffect(() => {
    if (apiQuery == null) return;
    const ctl = new AbortController();
    fetch(`/api/stages${apiQuery}`, { signal: ctl.signal })
      .then(async (r) => (r.ok ? setData((await r.json()) as StagePoints) : setError(`The server answered ${r.status}`)))
      .catch((e: unknown) => (e instanceof DOMException && e.name === "AbortError" ? undefined : setError("Could not load the points")));
    return () => ctl.abort();
  }, [apiQuery]);

  useEffect(() => {
    if (initial) setData(initial);
  }, [initial]);

  const { byTechnique, front, count, ticks, yTicks } = useMemo(() => {
    const get = AXES[axis].get;
    const pts: Datum[] = [];
    for (const p of data?.points ?? []) {
      const x = get(p);
      if (x == null || !(x > 0)) continue;
      pts.push({ ...p, x, y: p.accuracy, z: p.sizeBytes ?? 1 });
    }
    const groups = new Map<string, Datum[]>();
    for (const p of pts) groups.set(p.technique, [...(groups.get(p.technique) ?? []), p]);
    const xs = pts.map((p) => p.x);
    const ys = pts.map((p) => p.y);
    return {
      byTechnique: [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)),
      front: paretoFront(pts),
      count: pts.length,
      ticks: log && xs.length ? logTicks(Math.min(...xs) / 1.05, Math.max(...xs) * 1.05) : undefined,
      yTicks: ys.length ? accuracyTicks(Math.min(...ys), Math.max(...ys)) : undefined,
    };
  }, [data, axis, log]);

  const open = (d: unknown) => {
    const p = (d as { payload?: Datum } | undefined)?.payload ?? (d as Datum | undefined);
    if (p?.runId) router.push(`/runs/${p.runId}`);
  };

  return (
    <div className="scatter" data-testid="scatter" data-points={data ? count : undefined}>
      <div className="row scatter-controls">
        <label className="inline">
          <span>X axis</span>
          <select value={axis} onChange={(e) => setAxis(e.target.value as AxisKey)} aria-label="X axis">
            <option value="latency">Latency p50</option>
            <option value="size">ONNX size</option>
            <option value="macs">MACs</option>
          </select>
        </label>
        <label className="inline">
          <input type="checkbox" checked={log} onChange={(e) => setLog(e.target.checked)} /> <span>Log scale</span>
        </label>
        <span className="spacer" />
        <span className="muted" data-testid="scatter-summary">
          {data ? `${count.toLocaleString("en-US")} stages of ${data.runs.toLocaleString("en-US")} runs${data.matching > data.runs ? ` (the newest ${data.runs} of ${data.matching.toLocaleString("en-US")})` : ""} · Pareto front ${front.length}` : error ?? "Loading…"}
        </span>
      </div>
      <div style={{ height }}>
        {data && count === 0 ? (
          <div className="empty muted">No measured stages in view yet.</div>
        ) : data ? (
          <ResponsiveContainer width="100%" height="100%">
            <ScatterChart margin={{ top: 8, right: 16, bottom: 28, left: 8 }}>
              <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
              <XAxis
                type="number" dataKey="x" name={AXES[axis].label} scale={log ? "log" : "linear"} domain={log && ticks ? [ticks[0], ticks[ticks.length - 1]] : ["auto", "auto"]} ticks={ticks} allowDataOverflow
                tickFormatter={(v: number) => AXES[axis].fmt(v)} stroke="var(--muted)" fontSize={12}
                label={{ value: `${AXES[axis].label}${log ? " — log scale" : ""}`, position: "insideBottom", offset: -16, fill: "var(--muted)", fontSize: 12 }}
              />
              <YAxis type="number" dataKey="y" name="Top-1" domain={yTicks ? [yTicks[0], yTicks[yTicks.length - 1]] : [0, 1]} ticks={yTicks} tickFormatter={(v: number) => pct(v, 0)} stroke="var(--muted)" fontSize={12} width={48} />
              <ZAxis type="number" dataKey="z" range={[24, 220]} name="Size" />
              <Tooltip content={<PointTooltip axis={axis} />} cursor={{ strokeDasharray: "3 3" }} isAnimationActive={false} />
              <Legend verticalAlign="top" height={24} iconSize={10} />
              {byTechnique.map(([technique, pts]) => (
                <Scatter key={technique} name={technique} data={pts} fill={techniqueColor(technique)} fillOpacity={0.7} isAnimationActive={false} onClick={open} cursor="pointer" shape={Dot} />
              ))}
              <Scatter name="Pareto front" data={front} fill="var(--text)" line={{ stroke: "var(--text)", strokeWidth: 1.5 }} lineType="joint" shape={ParetoMark} isAnimationActive={false} onClick={open} cursor="pointer" legendType="line" />
            </ScatterChart>
          </ResponsiveContainer>
        ) : (
          <div className="empty muted">{error ?? "Loading points…"}</div>
        )}
      </div>
      {front.length ? (
        <details className="pareto-list">
          <summary>Pareto front: the {front.length} stage{front.length === 1 ? "" : "s"} worth shipping</summary>
          <table className="data compact">
            <thead><tr><th>Run</th><th>Stage</th><th className="num">Top-1</th><th className="num">{axis === "latency" ? "p50" : axis === "size" ? "Size" : "MACs"}</th></tr></thead>
            <tbody>
              {front.map((p) => (
                <tr key={`${p.runId}:${p.stageIndex}`}>
                  <td><Link href={`/runs/${p.runId}`}>{p.runName}</Link></td>
                  <td>{p.stageIndex} · {p.technique}</td>
                  <td className="num">{pct(p.accuracy, 2)}</td>
                  <td className="num">{AXES[axis].fmt(p.x)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ) : null}
    </div>
  );
}

/** A plain circle: far cheaper to render than recharts' default symbol path when there are 1,000+ points. */
function Dot(props: unknown) {
  const { cx, cy, size, fill, fillOpacity } = props as { cx?: number; cy?: number; size?: number; fill?: string; fillOpacity?: number };
  if (cx == null || cy == null) return <g />;
  return <circle cx={cx} cy={cy} r={Math.sqrt((size ?? 64) / Math.PI)} fill={fill} fillOpacity={fillOpacity} />;
}

/** A ring around a frontier point (the point itself stays visible inside it). */
function ParetoMark(props: unknown) {
  const { cx, cy, size } = props as { cx?: number; cy?: number; size?: number };
  if (cx == null || cy == null) return <g />;
  return <circle cx={cx} cy={cy} r={Math.sqrt((size ?? 64) / Math.PI) + 3} fill="none" stroke="var(--text)" strokeWidth={1.5} />;
}

/** Round accuracy ticks (every 1, 2, 5 or 10 points) spanning [min, max] with a margin, within 0…100%. */
function accuracyTicks(min: number, max: number): number[] {
  const span = Math.max(0.02, max - min);
  const step = [0.01, 0.02, 0.05, 0.1, 0.2].find((s) => span / s <= 6) ?? 0.2;
  const lo = Math.max(0, Math.floor((min - step / 2) / step) * step);
  const hi = Math.min(1, Math.ceil((max + step / 2) / step) * step);
  const out: number[] = [];
  for (let v = lo; v <= hi + 1e-9; v += step) out.push(Math.round(v * 1000) / 1000);
  return out;
}

/** 1-2-5 ticks spanning [min, max] for a log axis (recharts picks too few on its own). */
function logTicks(min: number, max: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) for (const m of [1, 2, 5]) out.push(m * 10 ** e);
  const lo = out.findLastIndex((t) => t <= min);
  const hi = out.findIndex((t) => t >= max);
  return out.slice(Math.max(0, lo), hi < 0 ? undefined : hi + 1);
}

function PointTooltip({ active, payload, axis }: { active?: boolean; payload?: { payload?: Datum }[]; axis: AxisKey }) {
  const p = active ? payload?.[0]?.payload : undefined;
  if (!p) return null;
  return (
    <div className="tooltip">
      <strong>{p.runName}</strong>
      <div className="muted">stage {p.stageIndex} · {p.technique}</div>
      <div>Top-1 {pct(p.accuracy, 2)}</div>
      <div>p50 {ms(p.latencyP50Ms)} · p95 {ms(p.latencyP95Ms)}</div>
      <div>Size {bytes(p.sizeBytes)} · MACs {compact(p.macs)}</div>
      {p.sparsity ? <div>Sparsity {pct(p.sparsity, 0)}</div> : null}
      <div className="muted">{axis === "latency" ? "" : ""}Click to open the run</div>
    </div>
  );
}
