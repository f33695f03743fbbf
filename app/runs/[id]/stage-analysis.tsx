"use client";
// An analyze stage's findings (lib/compress/sensitivity/analysis-report.ts) as charts: INT8 sensitivity per layer
// (sorted bars), each layer's share of parameters, MACs and measured onnxruntime time (sorted bars), and
// validation accuracy against sparsity per layer (one curve each), with the per-layer CSV/JSON downloads.
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { analysisOf, type AnalysisReport } from "@/lib/compress/sensitivity/analysis-report";
import type { RunSnapshot } from "@/lib/runs/run-snapshot";
import { ms, pct } from "../../_components/format";

const PALETTE = ["#2563eb", "#16a34a", "#f97316", "#a855f7", "#ef4444", "#0891b2", "#ca8a04", "#db2777", "#4b5563", "#65a30d"];
const tooltipStyle = { background: "var(--panel)", border: "1px solid var(--border)" };
/** Bars need room per layer: a ResNet-20 has 22 weight layers. */
const barsHeight = (n: number) => Math.max(160, 22 * n + 40);

interface SensitivityAllocation {
  method: "sensitivity";
  unit: string;
  images: number;
  chosen: "sensitivity" | "uniform";
  target: number;
  achieved: number;
  predictedDrop: number;
  uniformPredictedDrop: number | null;
  perUnit: Record<string, number>;
}

const allocationOf = (details: unknown): SensitivityAllocation | null => {
  const a = details && typeof details === "object" ? (details as { allocation?: { method?: string } }).allocation : undefined;
  return a?.method === "sensitivity" ? (a as SensitivityAllocation) : null;
};

export function StageAnalyses({ runId, stages }: { runId: string; stages: RunSnapshot["stages"] }) {
  const done = stages.filter((s) => s.status === "succeeded");
  const analyses = done.flatMap((s) => {
    const a = analysisOf(s.details);
    return a ? [{ index: s.index, analysis: a }] : [];
  });
  const allocations = done.flatMap((s) => {
    const a = allocationOf(s.details);
    return a ? [{ index: s.index, allocation: a }] : [];
  });
  return (
    <>
      {analyses.length ? <h2>Sensitivity analysis</h2> : null}
      {analyses.map(({ index, analysis }) => <StageAnalysis key={index} runId={runId} index={index} a={analysis} />)}
      {allocations.length ? <h2>Sensitivity-allocated pruning</h2> : null}
      {allocations.map(({ index, allocation }) => <AllocationTable key={index} index={index} a={allocation} />)}
    </>
  );
}

/** The per-layer (or per-group) amounts a prune stage chose from its measured curves, and what they predicted. */
function AllocationTable({ index, a }: { index: number; a: SensitivityAllocation }) {
  const rows = Object.entries(a.perUnit).sort((x, y) => y[1] - x[1]);
  return (
    <div className="panel" data-testid={`allocation-stage-${index}`} style={{ marginBottom: 16 }}>
      <p className="muted" style={{ marginTop: 0 }}>
        Stage {index}: global {a.unit} {pct(a.target)} (achieved {pct(a.achieved, 2)}), curves scored on {a.images} validation images · predicted drop{" "}
        {pct(a.predictedDrop, 2)} vs {a.uniformPredictedDrop == null ? "— (uniform exceeds a measured curve)" : `${pct(a.uniformPredictedDrop, 2)} uniform`}
        {a.chosen === "uniform" ? " · uniform predicted no worse, so it was kept" : ""}
      </p>
      <table className="data">
        <thead><tr><th>{a.unit === "sparsity" ? "Layer" : "Channel group"}</th><th className="num">{a.unit}</th></tr></thead>
        <tbody>{rows.map(([name, f]) => <tr key={name}><td className="mono">{name}</td><td className="num">{pct(f)}</td></tr>)}</tbody>
      </table>
    </div>
  );
}

function StageAnalysis({ runId, index, a }: { runId: string; index: number; a: AnalysisReport }) {
  const weightLayers = a.layers.filter((l) => l.quantization || l.pruning);
  const quant = a.layers
    .filter((l) => l.quantization)
    .map((l) => ({ layer: l.layer, drop: l.quantization!.accuracyDrop * 100, sqnr: l.quantization!.outputSqnrDb }))
    .sort((x, y) => y.drop - x.drop || (x.sqnr ?? Infinity) - (y.sqnr ?? Infinity));
  const costs = [...a.layers]
    .filter((l) => l.params || l.macs || l.ortMs)
    .sort((x, y) => y.timeShare - x.timeShare || y.macsShare - x.macsShare)
    .map((l) => ({ layer: l.layer, params: l.paramsShare * 100, macs: l.macsShare * 100, time: l.timeShare * 100 }));
  const sparsities = a.pruning?.sparsities ?? [];
  const curveLayers = weightLayers.filter((l) => l.pruning);
  const curves = [0, ...sparsities].map((s) => {
    const row: Record<string, number> = { sparsity: s * 100 };
    for (const l of curveLayers) row[l.layer] = (s === 0 ? a.fp32Accuracy : (l.pruning!.curve.find((p) => p.sparsity === s)?.accuracy ?? NaN)) * 100;
    return row;
  });
  return (
    <div className="panel" data-testid={`analysis-stage-${index}`} style={{ marginBottom: 16 }}>
      <div className="row" style={{ marginBottom: 8 }}>
        <strong>Stage {index}</strong>
        <span className="muted">
          {a.images} validation images · FP32 {pct(a.fp32Accuracy, 2)}
          {a.quantization ? ` · all layers INT8 ${pct(a.quantization.allInt8Accuracy, 2)}` : ""} · ORT {ms(a.timing.ortMs)} per image ({a.timing.runs} profiled runs)
        </span>
        <span className="spacer" />
        <a className="button secondary small" href={`/api/runs/${runId}/stages/${index}/analysis?format=csv`} download data-testid="analysis-csv">CSV</a>
        <a className="button secondary small" href={`/api/runs/${runId}/stages/${index}/analysis?format=json`} download data-testid="analysis-json">JSON</a>
      </div>
      <div className="two-col">
        {quant.length ? (
          <div data-testid="analysis-quant-bars">
            <strong className="small">INT8 sensitivity: top-1 drop with only this layer INT8 (pp)</strong>
            <div style={{ height: barsHeight(quant.length) }}>
              <ResponsiveContainer width="100%" height="100%">
                <BarChart data={quant} layout="vertical" margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
                  <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
                  <XAxis type="number" stroke="var(--muted)" fontSize={12} />
                  <YAxis type="category" dataKey="layer" width={120} stroke="var(--muted)" fontSize={11} interval={0} />
                  <Tooltip contentStyle={tooltipStyle} formatter={(v, name, item) => (name === "drop" ? [`${Number(v).toFixed(2)} pp (SQNR ${item.payload.sqnr == null ? "∞" : `${item.payload.sqnr.toFixed(1)} dB`})`, "top-1 drop"] : [v, name])} />
                  <Bar dataKey="drop" fill="#ef4444" isAnimationActive={false} />
                </BarChart>
              </ResponsiveContainer>
            </div>
          </div>
        ) : null}
        <div data-testid="analysis-cost-bars">
          <strong className="small">Share of parameters, MACs and measured ORT time (%)</strong>
          <div style={{ height: barsHeight(costs.length) }}>
            <ResponsiveContainer width="100%" height="100%">
              <BarChart data={costs} layout="vertical" margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
                <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
                <XAxis type="number" stroke="var(--muted)" fontSize={12} />
                <YAxis type="category" dataKey="layer" width={120} stroke="var(--muted)" fontSize={11} interval={0} />
                <Tooltip contentStyle={tooltipStyle} formatter={(v) => `${Number(v).toFixed(1)} %`} />
                <Legend />
                <Bar dataKey="time" name="ORT time" fill="#2563eb" isAnimationActive={false} />
                <Bar dataKey="macs" name="MACs" fill="#16a34a" isAnimationActive={false} />
                <Bar dataKey="params" name="params" fill="#f97316" isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </div>
        </div>
      </div>
      {curveLayers.length ? (
        <div data-testid="analysis-pruning-curves" style={{ marginTop: 12 }}>
          <strong className="small">Validation accuracy vs magnitude sparsity of one layer alone (%)</strong>
          <div className="chart">
            <ResponsiveContainer width="100%" height="100%">
              <LineChart data={curves} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
                <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
                <XAxis dataKey="sparsity" type="number" domain={[0, 100]} unit="%" stroke="var(--muted)" fontSize={12} />
                <YAxis domain={["auto", "auto"]} stroke="var(--muted)" fontSize={12} />
                <Tooltip contentStyle={tooltipStyle} formatter={(v) => `${Number(v).toFixed(1)} %`} labelFormatter={(s) => `sparsity ${s} %`} />
                <Legend />
                {curveLayers.map((l, i) => (
                  <Line key={l.layer} dataKey={l.layer} stroke={PALETTE[i % PALETTE.length]} dot isAnimationActive={false} connectNulls />
                ))}
              </LineChart>
            </ResponsiveContainer>
          </div>
        </div>
      ) : null}
    </div>
  );
}
