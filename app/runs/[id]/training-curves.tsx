"use client";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { RunSnapshot } from "@/lib/runs/run-snapshot";

const SERIES = [
  { name: "loss", color: "#ef4444", axis: "loss" },
  { name: "accuracy", color: "#2563eb", axis: "acc" },
  { name: "val_accuracy", color: "#16a34a", axis: "acc" },
] as const;

/** Loss and accuracy per epoch of every stage, one point per (stage, epoch). */
export function TrainingCurves({ metrics }: { metrics: RunSnapshot["metrics"] }) {
  const byStep = new Map<string, Record<string, number | string>>();
  for (const m of metrics) {
    const key = `${m.stageIndex}:${m.step}`;
    const row = byStep.get(key) ?? { label: `s${m.stageIndex} e${m.step}` };
    row[m.name] = m.value;
    byStep.set(key, row);
  }
  const rows = [...byStep.values()];
  if (rows.length === 0) return <div className="muted chart" style={{ display: "grid", placeItems: "center" }}>Curves appear after the first epoch.</div>;
  return (
    <div className="chart">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" opacity={0.3} />
          <XAxis dataKey="label" />
          <YAxis yAxisId="loss" orientation="left" />
          <YAxis yAxisId="acc" orientation="right" domain={[0, 1]} />
          <Tooltip />
          <Legend />
          {SERIES.map((s) => (
            <Line key={s.name} yAxisId={s.axis} dataKey={s.name} stroke={s.color} dot isAnimationActive={false} connectNulls />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
