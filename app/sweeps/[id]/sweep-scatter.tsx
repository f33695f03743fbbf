"use client";
// The sweep's runs on accuracy against size or latency: a faint dot per finished run, and per seed group its
// mean with error bars of ± one standard deviation on both axes; the Pareto front joins the group means no
// other group beats on both. Hand-drawn SVG: a sweep has at most a few hundred runs. Click a point to open it.
import { useRouter } from "next/navigation";
import { useMemo, useState } from "react";
import { paretoFront } from "@/lib/ml/pareto";
import type { SweepGroupResponse, SweepRunResponse } from "@/lib/schemas/sweep";
import { bytes, ms, pct } from "@/app/_components/format";

const W = 640;
const H = 300;
const PAD = { top: 12, right: 40, bottom: 40, left: 56 };
type Cost = "sizeBytes" | "latencyMs";

export function SweepScatter({ runs, groups, passing, describe }: {
  runs: SweepRunResponse[];
  groups: SweepGroupResponse[];
  passing: Set<string>;
  describe: (g: SweepGroupResponse) => string;
}) {
  const router = useRouter();
  const [cost, setCost] = useState<Cost>("sizeBytes");
  const fmt = cost === "sizeBytes" ? bytes : ms;
  const done = runs.filter((r) => r.status === "succeeded" && r.accuracy !== null && r[cost] !== null);
  const means = groups
    .filter((g) => g.accuracy && g[cost])
    .map((g) => ({ group: g, x: g[cost]!.mean, y: g.accuracy!.mean, sx: g[cost]!.sd ?? 0, sy: g.accuracy!.sd ?? 0 }));
  const front = useMemo(() => paretoFront(means), [means]);
  if (!done.length) return <div className="empty muted" style={{ height: H }} data-testid="sweep-scatter">No finished run yet.</div>;

  const xs = [...done.map((r) => r[cost]!), ...means.flatMap((m) => [m.x - m.sx, m.x + m.sx])].filter((v) => v > 0);
  const ys = [...done.map((r) => r.accuracy!), ...means.flatMap((m) => [m.y - m.sy, m.y + m.sy])];
  const [x0, x1] = [Math.min(...xs) / 1.1, Math.max(...xs) * 1.1];
  const [y0, y1] = [Math.max(0, Math.min(...ys) - 0.02), Math.min(1, Math.max(...ys) + 0.02)];
  const X = (v: number) => PAD.left + ((Math.log(Math.max(v, x0)) - Math.log(x0)) / (Math.log(x1) - Math.log(x0) || 1)) * (W - PAD.left - PAD.right);
  const Y = (v: number) => PAD.top + (1 - (v - y0) / (y1 - y0 || 1)) * (H - PAD.top - PAD.bottom);
  const onFront = new Set(front.map((f) => f.group.key));

  return (
    <div className="scatter" data-testid="sweep-scatter" data-groups={means.length} data-front={front.length}>
      <div className="row scatter-controls">
        <label className="inline">
          <span>X axis</span>
          <select value={cost} onChange={(e) => setCost(e.target.value as Cost)} aria-label="X axis">
            <option value="sizeBytes">ONNX size</option>
            <option value="latencyMs">Latency p50</option>
          </select>
        </label>
        <span className="muted small">dots: runs · squares: mean ± sd over seeds · line: Pareto front of the means</span>
      </div>
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" style={{ maxWidth: W }} role="img" aria-label="Accuracy against cost for the sweep's runs">
        {[0, 0.25, 0.5, 0.75, 1].map((t) => {
          const v = y0 + t * (y1 - y0);
          return <g key={t}><line x1={PAD.left} x2={W - PAD.right} y1={Y(v)} y2={Y(v)} stroke="var(--border)" strokeDasharray="3 3" /><text x={PAD.left - 6} y={Y(v) + 4} textAnchor="end" fontSize={11} fill="var(--muted)">{pct(v, 1)}</text></g>;
        })}
        {[0, 0.5, 1].map((t) => {
          const v = Math.exp(Math.log(x0) + t * (Math.log(x1) - Math.log(x0)));
          return <text key={t} x={X(v)} y={H - PAD.bottom + 16} textAnchor="middle" fontSize={11} fill="var(--muted)">{fmt(v)}</text>;
        })}
        <text x={(PAD.left + W - PAD.right) / 2} y={H - 6} textAnchor="middle" fontSize={12} fill="var(--muted)">{cost === "sizeBytes" ? "ONNX size (log)" : "Latency p50, onnxruntime batch 1 (log)"}</text>
        {done.map((r) => (
          <circle key={r.id} cx={X(r[cost]!)} cy={Y(r.accuracy!)} r={3} fill="var(--muted)" fillOpacity={passing.has(r.id) ? 0.6 : 0.12} style={{ cursor: "pointer" }} onClick={() => router.push(`/runs/${r.id}`)} data-testid="scatter-run">
            <title>{`run ${r.id} · seed ${r.seed}: ${pct(r.accuracy, 2)}, ${fmt(r[cost])}`}</title>
          </circle>
        ))}
        <polyline points={front.map((f) => `${X(f.x)},${Y(f.y)}`).join(" ")} fill="none" stroke="var(--text)" strokeWidth={1.5} />
        {means.map((m) => {
          const faded = !m.group.runIds.some((id) => passing.has(id));
          return (
            <g key={m.group.key} opacity={faded ? 0.2 : 1} data-testid="scatter-group" data-front={onFront.has(m.group.key) ? "yes" : "no"}>
              <line x1={X(m.x - m.sx)} x2={X(m.x + m.sx)} y1={Y(m.y)} y2={Y(m.y)} stroke="var(--text)" />
              <line x1={X(m.x)} x2={X(m.x)} y1={Y(m.y - m.sy)} y2={Y(m.y + m.sy)} stroke="var(--text)" />
              <rect x={X(m.x) - 4} y={Y(m.y) - 4} width={8} height={8} fill={onFront.has(m.group.key) ? "var(--text)" : "var(--panel)"} stroke="var(--text)" style={{ cursor: "pointer" }} onClick={() => router.push(`/runs/${m.group.runIds[0]}`)}>
                <title>{`${describe(m.group)}: ${pct(m.y, 2)} ± ${pct(m.sy, 2)}, ${fmt(m.x)} (n=${m.group.accuracy!.n})`}</title>
              </rect>
            </g>
          );
        })}
      </svg>
    </div>
  );
}
