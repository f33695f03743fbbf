"use client";
// Latency (or size, or MACs) against top-1 accuracy for every measured stage in view — up to 100,000 points —
// coloured by technique, with the Pareto front drawn as a line. The points are painted into a canvas's pixels (an
// SVG element per point stops being usable past a few thousand) and found again under the pointer through a grid
// of pixel cells, so every point still shows its stage on hover and opens its run on click. Points come from
// /api/stages (the table's filters, or `runs=a,b`), columnar (lib/runs/stage-points.ts), or are passed in.
// The box has a fixed height, so nothing moves when data arrives.
import { useRouter } from "next/navigation";
import { useEffect, useMemo, useRef, useState } from "react";
import { discStamp, hexRgb, stampPoints } from "@/lib/dashboard/point-raster";
import { paretoFront } from "@/lib/ml/pareto";
import { pointAt, type StagePoint, type StagePoints } from "@/lib/runs/stage-points";
import { bytes, compact, ms, pct, techniqueColor } from "./format";
import { RunLink } from "./run-link";

const AXES = {
  latency: { label: "Latency p50 (ms, onnxruntime, batch 1)", column: "latencyP50Ms", fmt: (v: number) => ms(v) },
  size: { label: "ONNX size", column: "sizeBytes", fmt: (v: number) => bytes(v) },
  macs: { label: "MACs", column: "macs", fmt: (v: number) => compact(v) },
} as const;
type AxisKey = keyof typeof AXES;

const MARGIN = { top: 10, right: 16, bottom: 40, left: 52 };
/** Pixel cells of the hover grid, and how far from a point the pointer may be to pick it. */
const CELL = 8;
const PICK_PX = 8;

/** The drawable points for one x axis: index into the columns, x, y. */
type Plotted = { i: number; x: number; y: number };

export function StageScatter({ apiQuery, initial, height = 340 }: { apiQuery?: string; initial?: StagePoints; height?: number }) {
  const router = useRouter();
  const [data, setData] = useState<StagePoints | null>(initial ?? null);
  const [error, setError] = useState<string | null>(null);
  const [axis, setAxis] = useState<AxisKey>("latency");
  const [log, setLog] = useState(true);
  const [width, setWidth] = useState(0);
  const [hover, setHover] = useState<{ p: StagePoint; left: number; top: number } | null>(null);
  const [drawn, setDrawn] = useState<number | null>(null);
  const box = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const grid = useRef<{ cells: Map<number, number[]>; px: Float32Array; py: Float32Array; cols: number } | null>(null);

  useEffect(() => {
    if (apiQuery == null) return;
    const ctl = new AbortController();
    // gzipped: 100,000 points are ~1 MB instead of ~5 MB, decompressed here (Next.js sends no Content-Encoding
    // from a route handler, so the browser would not).
    fetch(`/api/stages${apiQuery}${apiQuery.includes("?") ? "&" : "?"}encoding=gzip`, { signal: ctl.signal })
      .then(async (r) => (r.ok && r.body ? setData((await new Response(r.body.pipeThrough(new DecompressionStream("gzip"))).json()) as StagePoints) : setError(`The server answered ${r.status}`)))
      .catch((e: unknown) => (e instanceof DOMException && e.name === "AbortError" ? undefined : setError("Could not load the points")));
    return () => ctl.abort();
  }, [apiQuery]);

  useEffect(() => {
    if (initial) setData(initial);
  }, [initial]);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const observer = new ResizeObserver(([entry]) => setWidth(Math.floor(entry.contentRect.width)));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const plot = useMemo(() => {
    if (!data) return null;
    const xs = data.columns[AXES[axis].column];
    const pts: Plotted[] = [];
    for (let i = 0; i < data.points; i++) {
      const x = xs[i];
      if (x != null && x > 0) pts.push({ i, x, y: data.columns.accuracy[i] });
    }
    let xmin = Infinity, xmax = -Infinity, ymin = Infinity, ymax = -Infinity;
    for (const p of pts) {
      if (p.x < xmin) xmin = p.x;
      if (p.x > xmax) xmax = p.x;
      if (p.y < ymin) ymin = p.y;
      if (p.y > ymax) ymax = p.y;
    }
    const counts = new Map<number, number>();
    for (const p of pts) counts.set(data.columns.technique[p.i], (counts.get(data.columns.technique[p.i]) ?? 0) + 1);
    return {
      pts,
      front: paretoFront(pts),
      legend: [...counts.entries()].map(([t, n]) => ({ technique: data.techniques[t], n })).sort((a, b) => a.technique.localeCompare(b.technique)),
      xTicks: pts.length ? (log ? logTicks(xmin / 1.05, xmax * 1.05) : linearTicks(xmin, xmax)) : [],
      yTicks: pts.length ? accuracyTicks(ymin, ymax) : [],
    };
  }, [data, axis, log]);

  // Paint, and index every point by pixel cell for the pointer.
  useEffect(() => {
    const el = canvas.current;
    if (!el || !plot || !data || width === 0) return;
    const dpr = window.devicePixelRatio || 1;
    el.width = width * dpr;
    el.height = height * dpr;
    const ctx = el.getContext("2d");
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const style = getComputedStyle(el);
    const muted = style.getPropertyValue("--muted").trim() || "#888";
    const border = style.getPropertyValue("--border").trim() || "#ddd";
    const text = style.getPropertyValue("--text").trim() || "#111";
    const { xTicks, yTicks, pts, front } = plot;
    if (!pts.length) return setDrawn(0);
    const w = width - MARGIN.left - MARGIN.right;
    const h = height - MARGIN.top - MARGIN.bottom;
    const [x0, x1] = [xTicks[0], xTicks[xTicks.length - 1]];
    const [y0, y1] = [yTicks[0], yTicks[yTicks.length - 1]];
    const sx = log
      ? (v: number) => MARGIN.left + ((Math.log(v) - Math.log(x0)) / (Math.log(x1) - Math.log(x0) || 1)) * w
      : (v: number) => MARGIN.left + ((v - x0) / (x1 - x0 || 1)) * w;
    const sy = (v: number) => MARGIN.top + (1 - (v - y0) / (y1 - y0 || 1)) * h;

    ctx.font = "12px system-ui, sans-serif";
    ctx.strokeStyle = border;
    ctx.fillStyle = muted;
    ctx.setLineDash([3, 3]);
    ctx.lineWidth = 1;
    ctx.textAlign = "center";
    for (const t of xTicks) {
      const x = sx(t);
      ctx.beginPath(); ctx.moveTo(x, MARGIN.top); ctx.lineTo(x, MARGIN.top + h); ctx.stroke();
      // kept inside the canvas: the last tick's label would be cut at the right edge
      const label = AXES[axis].fmt(t);
      const half = ctx.measureText(label).width / 2;
      ctx.fillText(label, Math.min(Math.max(x, half), MARGIN.left + w + MARGIN.right - half), MARGIN.top + h + 16);
    }
    ctx.textAlign = "right";
    for (const t of yTicks) {
      const y = sy(t);
      ctx.beginPath(); ctx.moveTo(MARGIN.left, y); ctx.lineTo(MARGIN.left + w, y); ctx.stroke();
      ctx.fillText(pct(t, 0), MARGIN.left - 6, y + 4);
    }
    ctx.setLineDash([]);
    ctx.textAlign = "center";
    ctx.fillText(`${AXES[axis].label}${log ? " — log scale" : ""}`, MARGIN.left + w / 2, height - 6);

    // Points, one colour at a time, stamped into the canvas's pixels rather than drawn as arcs (100,000 arcs took
    // ~500 ms without a GPU; lib/dashboard/point-raster.ts).
    const r = pts.length > 20_000 ? 1.5 : pts.length > 2_000 ? 2.5 : 4;
    const px = new Float32Array(pts.length);
    const py = new Float32Array(pts.length);
    const devX = new Float32Array(pts.length);
    const devY = new Float32Array(pts.length);
    const cols = Math.ceil(width / CELL);
    const cells = new Map<number, number[]>();
    const byTechnique: number[][] = data.techniques.map(() => []);
    pts.forEach((p, k) => {
      px[k] = sx(p.x);
      py[k] = sy(p.y);
      devX[k] = px[k] * dpr;
      devY[k] = py[k] * dpr;
      byTechnique[data.columns.technique[p.i]].push(k);
      const key = Math.floor(py[k] / CELL) * cols + Math.floor(px[k] / CELL);
      const list = cells.get(key);
      if (list) list.push(k);
      else cells.set(key, [k]);
    });
    const image = ctx.getImageData(0, 0, el.width, el.height);
    const stamp = discStamp(r * dpr);
    const alpha = pts.length > 20_000 ? 0.5 : 0.75;
    byTechnique.forEach((which, t) => {
      ctx.fillStyle = techniqueColor(data.techniques[t]); // read back as #rrggbb, whatever CSS colour it was given
      stampPoints(image.data, el.width, el.height, devX, devY, which, hexRgb(String(ctx.fillStyle)), alpha, stamp);
    });
    ctx.putImageData(image, 0, 0);
    ctx.strokeStyle = text;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    front.forEach((p, k) => (k ? ctx.lineTo(sx(p.x), sy(p.y)) : ctx.moveTo(sx(p.x), sy(p.y))));
    ctx.stroke();
    for (const p of front) {
      ctx.beginPath();
      ctx.arc(sx(p.x), sy(p.y), r + 3, 0, 2 * Math.PI);
      ctx.stroke();
    }
    grid.current = { cells, px, py, cols };
    setDrawn(pts.length);
  }, [plot, data, width, height, axis, log]);

  /** The point nearest the pointer within PICK_PX, from the cells around it. */
  const pick = (e: React.MouseEvent<HTMLCanvasElement>): { k: number; left: number; top: number } | null => {
    const g = grid.current;
    if (!g) return null;
    const rect = e.currentTarget.getBoundingClientRect();
    const mx = e.clientX - rect.left;
    const my = e.clientY - rect.top;
    let best = -1;
    let bestD = PICK_PX * PICK_PX;
    const cx = Math.floor(mx / CELL);
    const cy = Math.floor(my / CELL);
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        for (const k of g.cells.get((cy + dy) * g.cols + cx + dx) ?? []) {
          const d = (g.px[k] - mx) ** 2 + (g.py[k] - my) ** 2;
          if (d <= bestD) [best, bestD] = [k, d];
        }
      }
    }
    return best < 0 ? null : { k: best, left: g.px[best], top: g.py[best] };
  };
  const onMove = (e: React.MouseEvent<HTMLCanvasElement>) => {
    const hit = data && plot ? pick(e) : null;
    setHover(hit && data && plot ? { p: pointAt(data, plot.pts[hit.k].i), left: hit.left, top: hit.top } : null);
  };
  const onClick = (e: React.MouseEvent<HTMLCanvasElement>) => {
    const hit = data && plot ? pick(e) : null;
    if (hit && data && plot) router.push(`/runs/${pointAt(data, plot.pts[hit.k].i).runId}`);
  };

  const count = plot?.pts.length ?? 0;
  const front = plot?.front ?? [];
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
          {data ? summary(data, count, front.length) : error ?? "Loading…"}
        </span>
      </div>
      {plot?.legend.length ? (
        <div className="row scatter-legend" aria-label="Techniques">
          {plot.legend.map(({ technique, n }) => (
            <span key={technique} className="inline muted"><span className="swatch" style={{ background: techniqueColor(technique) }} /> {technique} {n.toLocaleString("en-US")}</span>
          ))}
        </div>
      ) : null}
      <div ref={box} style={{ height, position: "relative" }}>
        {data && count === 0 ? (
          <div className="empty muted">No measured stages in view yet.</div>
        ) : data ? (
          <>
            <canvas
              ref={canvas} style={{ width: "100%", height, cursor: hover ? "pointer" : "default", display: "block" }} data-testid="scatter-canvas" data-drawn={drawn ?? undefined}
              role="img" aria-label={`${count} stages plotted: top-1 accuracy against ${AXES[axis].label}`} onMouseMove={onMove} onMouseLeave={() => setHover(null)} onClick={onClick}
            />
            {hover ? (
              <div className="tooltip" data-testid="scatter-tooltip" style={{ position: "absolute", left: Math.min(hover.left + 12, Math.max(0, width - 240)), top: Math.max(0, hover.top - 100), pointerEvents: "none" }}>
                <PointDetails p={hover.p} />
              </div>
            ) : null}
          </>
        ) : (
          <div className="empty muted">{error ?? "Loading points…"}</div>
        )}
      </div>
      {front.length && data ? (
        <details className="pareto-list">
          <summary>Pareto front: the {front.length} stage{front.length === 1 ? "" : "s"} worth shipping</summary>
          <table className="data compact">
            <thead><tr><th>Run</th><th>Stage</th><th className="num">Top-1</th><th className="num">{axis === "latency" ? "p50" : axis === "size" ? "Size" : "MACs"}</th></tr></thead>
            <tbody>
              {front.map((f) => {
                const p = pointAt(data, f.i);
                return (
                  <tr key={`${p.runId}:${p.stageIndex}`}>
                    <td><RunLink id={p.runId}>{p.runName}</RunLink></td>
                    <td>{p.stageIndex} · {p.technique}</td>
                    <td className="num">{pct(p.accuracy, 2)}</td>
                    <td className="num">{AXES[axis].fmt(f.x)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </details>
      ) : null}
    </div>
  );
}

/** What is drawn, said plainly: when the answer hit its limit, which stages those are. */
function summary(data: StagePoints, count: number, front: number): string {
  const drawn = `${count.toLocaleString("en-US")} stages of ${data.runs.toLocaleString("en-US")} runs`;
  const capped = data.points >= data.limit ? ` — the newest runs' ${data.limit.toLocaleString("en-US")} stages; ${data.matching.toLocaleString("en-US")} runs match` : "";
  return `${drawn}${capped} · Pareto front ${front}`;
}

function PointDetails({ p }: { p: StagePoint }) {
  return (
    <>
      <strong>{p.runName}</strong>
      <div className="muted">stage {p.stageIndex} · {p.technique}</div>
      <div>Top-1 {pct(p.accuracy, 2)}</div>
      <div>p50 {ms(p.latencyP50Ms)} · size {bytes(p.sizeBytes)} · MACs {compact(p.macs)}</div>
      <div className="muted">Click to open the run (every measure of the stage is there)</div>
    </>
  );
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

/** 1-2-5 ticks spanning [min, max] for a log axis. */
function logTicks(min: number, max: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) for (const m of [1, 2, 5]) out.push(m * 10 ** e);
  const lo = out.findLastIndex((t) => t <= min);
  const hi = out.findIndex((t) => t >= max);
  return out.slice(Math.max(0, lo), hi < 0 ? undefined : hi + 1);
}

/** About six round ticks spanning [min, max] for a linear axis. */
function linearTicks(min: number, max: number): number[] {
  const span = max - min || Math.abs(max) || 1;
  const raw = span / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const lo = Math.floor(min / step) * step;
  const out: number[] = [];
  for (let v = lo; v <= max + step * 0.999; v += step) out.push(v);
  return out.length > 1 ? out : [lo, lo + step];
}
