"use client";
// A parallel-coordinates chart, hand-drawn in SVG: one vertical axis per swept parameter and per metric, one
// line per run. Dragging along an axis brushes a range of it (the runs outside it fade and leave the table);
// a click on an axis without dragging clears its brush.
import { useRef, useState, type PointerEvent } from "react";
import { positionOf, valueAt, type Axis, type Brushes } from "@/lib/dashboard/parallel-axes";
import type { SweepRunResponse } from "@/lib/schemas/sweep";

const H = 260;
const PAD = { top: 28, bottom: 34, left: 90, right: 70 }; // room for the outer axes' labels and ticks

export function ParallelCoordinates({ axes, runs, brushes, passing, onBrush }: {
  axes: Axis[];
  runs: SweepRunResponse[];
  brushes: Brushes;
  passing: Set<string>;
  onBrush: (key: string, range: [number, number] | null) => void;
}) {
  const svg = useRef<SVGSVGElement>(null);
  const [drag, setDrag] = useState<{ key: string; from: number; to: number } | null>(null);
  const width = Math.max(560, PAD.left + PAD.right + (axes.length - 1) * 150);
  const xOf = (i: number) => PAD.left + (axes.length === 1 ? 0 : (i * (width - PAD.left - PAD.right)) / (axes.length - 1));
  const yOf = (p: number) => PAD.top + (1 - p) * (H - PAD.top - PAD.bottom);
  /** The pointer's position on the axes, 0 (bottom) … 1 (top), from its place in the SVG. */
  const positionAt = (e: PointerEvent) => {
    const box = svg.current!.getBoundingClientRect();
    const y = ((e.clientY - box.top) / box.height) * H;
    return Math.min(1, Math.max(0, 1 - (y - PAD.top) / (H - PAD.top - PAD.bottom)));
  };

  const start = (key: string) => (e: PointerEvent<SVGRectElement>) => {
    (e.target as Element).setPointerCapture(e.pointerId);
    const p = positionAt(e);
    setDrag({ key, from: p, to: p });
  };
  const move = (e: PointerEvent<SVGRectElement>) => drag && setDrag({ ...drag, to: positionAt(e) });
  const end = () => {
    if (!drag) return;
    const lo = Math.min(drag.from, drag.to);
    const hi = Math.max(drag.from, drag.to);
    onBrush(drag.key, hi - lo < 0.02 ? null : [lo, hi]);
    setDrag(null);
  };

  const line = (run: SweepRunResponse) => {
    const pts = axes.map((a, i) => {
      const p = positionOf(a, a.value(run));
      return p === null ? null : `${xOf(i)},${yOf(p)}`;
    });
    // A run not measured yet draws up to its first missing axis.
    const upTo = pts.indexOf(null);
    return (upTo < 0 ? pts : pts.slice(0, upTo)).join(" ");
  };

  return (
    <div className="table-scroll" data-testid="parallel-coordinates">
      <svg ref={svg} viewBox={`0 0 ${width} ${H}`} width={width} height={H} role="img" aria-label="Parallel coordinates: swept parameters and metrics of every run">
        {runs.map((r) => (
          <polyline key={r.id} points={line(r)} fill="none" data-run={r.id}
            stroke={r.stoppedEarly ? "var(--warn)" : r.status === "succeeded" ? "var(--accent, #2563eb)" : "var(--muted)"}
            strokeWidth={passing.has(r.id) ? 1.6 : 1} strokeOpacity={passing.has(r.id) ? 0.85 : 0.12} strokeDasharray={r.stoppedEarly ? "4 3" : undefined}>
            <title>{`run ${r.id} · seed ${r.seed} · ${r.stoppedEarly ? "stopped early" : r.status}`}</title>
          </polyline>
        ))}
        {axes.map((a, i) => {
          const x = xOf(i);
          const brush = drag?.key === a.key ? [Math.min(drag.from, drag.to), Math.max(drag.from, drag.to)] : brushes[a.key];
          const ticks = a.kind === "categorical" ? (a.domain as (string | number | boolean)[]).map((v) => ({ p: positionOf(a, v)!, label: a.format(v) })) : [0, 0.5, 1].map((p) => ({ p, label: a.format(valueAt(a, p)) }));
          return (
            <g key={a.key} data-testid={`axis-${a.key}`} data-brushed={brushes[a.key] ? "yes" : "no"}>
              <line x1={x} x2={x} y1={yOf(0)} y2={yOf(1)} stroke="var(--text)" strokeWidth={1} />
              <text x={x} y={14} textAnchor="middle" fontSize={11} fill="var(--text)">{a.label}</text>
              {ticks.map((t) => (
                <g key={t.p}>
                  <line x1={x - 3} x2={x + 3} y1={yOf(t.p)} y2={yOf(t.p)} stroke="var(--text)" />
                  <text x={x + 6} y={yOf(t.p) + 4} fontSize={10} fill="var(--muted)">{t.label}</text>
                </g>
              ))}
              {brush ? <rect x={x - 7} width={14} y={yOf(brush[1])} height={Math.max(1, yOf(brush[0]) - yOf(brush[1]))} fill="var(--text)" fillOpacity={0.18} stroke="var(--text)" data-testid="brush" /> : null}
              {/* the hit area: wider than the axis, so a drag is easy to start */}
              <rect x={x - 14} width={28} y={yOf(1) - 6} height={yOf(0) - yOf(1) + 12} fill="transparent" style={{ cursor: "ns-resize", touchAction: "none" }}
                onPointerDown={start(a.key)} onPointerMove={move} onPointerUp={end} onPointerCancel={() => setDrag(null)} data-testid={`brush-area-${a.key}`} />
            </g>
          );
        })}
      </svg>
    </div>
  );
}
