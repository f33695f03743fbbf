"use client";
// The confusion matrix of one stage as a heatmap (rows = true class, normalised per row) and its per-class
// accuracy as bars. The panel keeps its size whether or not a stage has been measured yet.
import { useState } from "react";
import { pct } from "../../_components/format";

interface StageCM {
  index: number;
  technique: string;
  confusionMatrix: unknown;
  perClassAccuracy: unknown;
}

const isMatrix = (m: unknown): m is number[][] => Array.isArray(m) && m.every((r) => Array.isArray(r) && r.every((v) => typeof v === "number"));
const isVector = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === "number");

export function ConfusionMatrix({ stages, classes }: { stages: StageCM[]; classes: string[] }) {
  const measured = stages.filter((s) => isMatrix(s.confusionMatrix) || isVector(s.perClassAccuracy));
  const [chosen, setChosen] = useState<number | null>(null);
  const stage = measured.find((s) => s.index === chosen) ?? measured.at(-1);
  if (!stage) return <div className="chart-empty muted cm-box">The confusion matrix appears when a stage has been evaluated.</div>;
  const matrix = isMatrix(stage.confusionMatrix) ? stage.confusionMatrix : null;
  const perClass = isVector(stage.perClassAccuracy)
    ? stage.perClassAccuracy
    : matrix?.map((row, i) => { const t = row.reduce((a, b) => a + b, 0); return t ? row[i] / t : 0; }) ?? [];
  const name = (i: number) => classes[i] ?? `class ${i}`;
  return (
    <div data-testid="confusion-matrix" className="cm-box">
      <label className="inline" style={{ marginBottom: 8 }}>
        <span>Stage</span>
        <select value={stage.index} onChange={(e) => setChosen(Number(e.target.value))} aria-label="Stage for the confusion matrix">
          {measured.map((s) => <option key={s.index} value={s.index}>{s.index} · {s.technique}</option>)}
        </select>
      </label>
      <div className="two-col">
        <div className="table-scroll">
          {matrix ? (
            <table className="heatmap" aria-label={`Confusion matrix of stage ${stage.index}: rows are true classes, columns predicted`}>
              <thead>
                <tr><th className="row-label muted">true ↓ / predicted →</th>{matrix[0]?.map((_, j) => <th key={j} className="col-label" scope="col">{name(j)}</th>)}</tr>
              </thead>
              <tbody>
                {matrix.map((row, i) => {
                  const total = row.reduce((a, b) => a + b, 0) || 1;
                  return (
                    <tr key={i}>
                      <th className="row-label" scope="row">{name(i)}</th>
                      {row.map((v, j) => {
                        const f = v / total;
                        const hue = i === j ? "var(--ok)" : "var(--bad)";
                        return (
                          <td key={j} title={`${name(i)} → ${name(j)}: ${v} (${pct(f)})`}
                            style={{ background: `color-mix(in srgb, ${hue} ${Math.round(Math.min(1, i === j ? f : f * 4) * 85)}%, transparent)`, color: f > 0.5 ? "var(--bg)" : undefined }}>
                            {v}
                          </td>
                        );
                      })}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          ) : <p className="muted">No confusion matrix recorded for this stage.</p>}
        </div>
        <div aria-label="Per-class accuracy" style={{ display: "grid", gap: 4, alignContent: "start" }}>
          <strong>Per-class accuracy</strong>
          {perClass.map((a, i) => (
            <div key={i} className="bar-row">
              <span title={name(i)} style={{ overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" }}>{name(i)}</span>
              <div className="bar"><div style={{ width: `${a * 100}%`, background: a < 0.7 ? "var(--bad)" : undefined }} /></div>
              <span className="num mono">{pct(a)}</span>
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}
