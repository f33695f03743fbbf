"use client";
import { useState } from "react";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { RunSnapshot } from "@/lib/runs/run-snapshot";

const SERIES = [
  { name: "loss", color: "#ef4444", axis: "loss" },
  { name: "accuracy", color: "#2563eb", axis: "acc" },
  { name: "val_accuracy", color: "#16a34a", axis: "acc" },
  { name: "sparsity", color: "#f97316", axis: "acc" },
] as const;

/**
 * Loss, accuracy, validation accuracy and sparsity per epoch — of one stage or of all of them in a row. The
 * box keeps its height before the first epoch, so the page does not jump when the first point arrives.
 */
export function TrainingCurves({ metrics, stages }: { metrics: RunSnapshot["metrics"]; stages?: { index: number; technique: string }[] }) {
  const [stage, setStage] = useState<"all" | number>("all");
  const withPoints = [...new Set(metrics.map((m) => m.stageIndex))].sort((a, b) => a - b);
  const byStep = new Map<string, Record<string, number | string>>();
  for (const m of metrics) {
    if (stage !== "all" && m.stageIndex !== stage) continue;
    const key = `${m.stageIndex}:${m.step}`;
    const row = byStep.get(key) ?? { label: stage === "all" ? `s${m.stageIndex} e${m.step}` : `epoch ${m.step}` };
    row[m.name] = m.value;
    byStep.set(key, row);
  }
  const rows = [...byStep.values()];
  const present = new Set(metrics.map((m) => m.name));
  const technique = (i: number) => stages?.find((s) => s.index === i)?.technique ?? "";
  // The training loop's own images/s (each epoch's images over its wall time, recorded by the stage): the last
  // epoch of each stage that trained, so a finished run still says how fast it trained.
  const speed = new Map<number, number>();
  for (const m of metrics) if (m.name === "images_per_sec") speed.set(m.stageIndex, m.value);
  return (
    <div>
      <div className="row" style={{ marginBottom: 8, minHeight: 30 }}>
        {withPoints.length > 1 ? (
          <label className="inline">
            <span>Stage</span>
            <select value={String(stage)} onChange={(e) => setStage(e.target.value === "all" ? "all" : Number(e.target.value))} aria-label="Stage for the training curves">
              <option value="all">all stages</option>
              {withPoints.map((i) => <option key={i} value={i}>{i} · {technique(i)}</option>)}
            </select>
          </label>
        ) : <span className="muted">{withPoints.length === 1 ? `stage ${withPoints[0]} · ${technique(withPoints[0])}` : "\u00a0"}</span>}
      </div>
      {rows.length === 0 ? (
        <div className="muted chart chart-empty">Curves appear after the first epoch.</div>
      ) : (
        <div className="chart">
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
              <XAxis dataKey="label" stroke="var(--muted)" fontSize={12} />
              <YAxis yAxisId="loss" orientation="left" stroke="var(--muted)" fontSize={12} />
              <YAxis yAxisId="acc" orientation="right" domain={[0, 1]} stroke="var(--muted)" fontSize={12} />
              <Tooltip contentStyle={{ background: "var(--panel)", border: "1px solid var(--border)" }} />
              <Legend />
              {SERIES.filter((s) => present.has(s.name)).map((s) => (
                <Line key={s.name} yAxisId={s.axis} dataKey={s.name} stroke={s.color} dot isAnimationActive={false} connectNulls />
              ))}
            </LineChart>
          </ResponsiveContainer>
        </div>
      )}
      {speed.size > 0 && (
        <p className="small muted" data-testid="training-speed">
          Training speed (last epoch): {[...speed].sort((a, b) => a[0] - b[0]).map(([i, v]) => `stage ${i} · ${technique(i)} ${Math.round(v).toLocaleString("en-US")} images/s`).join(" — ")}
        </p>
      )}
    </div>
  );
}
