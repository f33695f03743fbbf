"use client";
// The probes of an `auto` stage, each a child run (lib/compress/auto.ts): on the scatter (INT8 validation top-1
// against size, latency or MACs, with the Pareto front) and in a table with the chosen one marked.
import { useMemo } from "react";
import type { RunSnapshot } from "@/lib/runs/run-snapshot";
import { toColumns, type StagePoints } from "@/lib/runs/stage-points";
import { StageScatter } from "../../_components/stage-scatter";
import { bytes, count, ms, pct, times } from "../../_components/format";

interface ProbeDetails { autoCandidate?: boolean; kind?: string; valAccuracy?: number; floatValAccuracy?: number; accuracyDropPp?: number; fp32Layers?: string[]; feasible?: boolean; pareto?: boolean; chosen?: boolean; minutes?: number; parentStageIndex?: number }
interface ProbeParams { width?: number; depth?: number; kernel?: number; expansion?: number; channelFraction?: number }
interface ProbeStage { params?: unknown; details?: unknown; paramCount?: number | null; macs?: number | null; latencyP50Ms?: number | null; sizeBytes?: number | null; gzipBytes?: number | null; speedup?: number | null }

/** Children written by an auto stage. */
export const isAutoCandidate = (r: RunSnapshot["children"][number]) => Boolean(((r.stages[0] as ProbeStage | undefined)?.details as ProbeDetails | null)?.autoCandidate);

export function AutoCandidates({ runs, runName }: { runs: RunSnapshot["children"]; runName: string }) {
  const rows = runs.map((r) => {
    const stage = (r.stages[0] ?? {}) as ProbeStage;
    return { id: r.id, stage, p: (stage.params ?? {}) as ProbeParams, d: (stage.details ?? {}) as ProbeDetails };
  });
  // Series by verdict, so the chosen one and the over-budget probes stand apart on the chart.
  const points = useMemo<StagePoints>(() => toColumns(
    rows.map(({ id, stage, d }, i) => ({
      runId: id, runName: `${runName} · probe ${i + 1}`, stageIndex: 0,
      technique: d.chosen ? "chosen" : d.feasible ? "within the accuracy budget" : "over the accuracy budget",
      accuracy: d.valAccuracy ?? 0, latencyP50Ms: stage.latencyP50Ms ?? null, sizeBytes: stage.sizeBytes ?? null, macs: stage.macs ?? null,
    })),
    { limit: rows.length, matching: rows.length },
  ), [rows, runName]);
  return (
    <>
      <p className="muted">Each probe distilled from the baseline, quantized to INT8 with accuracy control and measured: validation top-1 of the INT8 file in onnxruntime (the test split is only used for the stage itself), file size, latency paired with the baseline.</p>
      <div className="panel" data-testid="auto-scatter"><StageScatter initial={points} height={300} /></div>
      <div className="table-scroll">
        <table className="data" data-testid="auto-candidates">
          <thead>
            <tr>
              <th>Probe</th><th>Kind</th><th className="num">Width</th><th className="num">Depth</th><th className="num">Expansion</th><th className="num">Channels removed</th>
              <th className="num">Params</th><th className="num" title="validation top-1: distilled float model → INT8 file">Val. top-1 (float → INT8)</th><th className="num">Drop</th>
              <th className="num">FP32 layers</th><th className="num">Size</th><th className="num">Latency p50</th><th className="num">Speedup</th><th>Budget</th><th>Pareto</th><th></th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ id, stage, p, d }, i) => (
              <tr key={id} className={d.chosen ? "highlight" : undefined} data-chosen={d.chosen ? "true" : undefined}>
                <td><a href={`/runs/${id}`}>#{i + 1}</a></td>
                <td>{d.kind ?? "—"}</td>
                <td className="num">{p.width ?? "—"}</td><td className="num">{p.depth ?? "—"}</td><td className="num">{p.expansion ?? "—"}</td>
                <td className="num">{p.channelFraction ? pct(p.channelFraction, 0) : "—"}</td>
                <td className="num">{count(stage.paramCount)}</td>
                <td className="num">{pct(d.floatValAccuracy, 2)} → {pct(d.valAccuracy, 2)}</td>
                <td className="num">{d.accuracyDropPp != null ? `${d.accuracyDropPp.toFixed(2)} pp` : "—"}</td>
                <td className="num" title={d.fp32Layers?.join(", ")}>{d.fp32Layers?.length ?? 0}</td>
                <td className="num" title={stage.gzipBytes ? `${bytes(stage.gzipBytes)} gzipped` : undefined}>{bytes(stage.sizeBytes)}</td>
                <td className="num">{ms(stage.latencyP50Ms)}</td>
                <td className="num">{times(stage.speedup)}</td>
                <td className={d.feasible ? "check-pass" : "check-fail"}>{d.feasible ? "✓ within" : "✗ over"}</td>
                <td>{d.pareto ? "★" : ""}</td>
                <td>{d.chosen ? <strong>chosen</strong> : null}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
