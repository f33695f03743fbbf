"use client";
// What each stage will make, shown before launch: parameters, MACs and the exported file's size, computed from
// the architecture (lib/dashboard/pipeline-estimate.ts — pure, no TensorFlow.js in the bundle).
import { useMemo } from "react";
import { estimatePipeline } from "@/lib/dashboard/pipeline-estimate";
import type { DataShape, DraftStage } from "@/lib/dashboard/presets";
import type { Architecture } from "@/lib/ml/models/architecture";
import { bytes, compact } from "../../_components/format";

export function StageEstimates({ stages, architecture, shape }: { stages: DraftStage[]; architecture: Architecture; shape: DataShape }) {
  const rows = useMemo(() => estimatePipeline(stages, architecture, shape), [stages, architecture, shape]);
  const base = rows[0];
  const bigger = (v: number | null, b: number | null | undefined) => v != null && b != null && v > b;
  return (
    <div className="table-scroll">
      <table className="data compact" data-testid="stage-estimates">
        <caption className="muted small" style={{ textAlign: "left" }}>Expected before training (from the architecture)</caption>
        <thead>
          <tr><th>#</th><th>Technique</th><th className="num">Params</th><th className="num">MACs</th><th className="num">FP32 file</th><th className="num">INT8 file</th><th>Note</th></tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.index} data-technique={r.technique}>
              <td>{r.index}</td>
              <td>{r.technique}</td>
              <td className={`num${r.index > 0 && bigger(r.params, base?.params) ? " delta-neg" : ""}`} data-params={r.params ?? undefined}>
                {compact(r.params)}{r.nonzeroParams != null && r.nonzeroParams !== r.params ? <span className="muted"> ({compact(r.nonzeroParams)} non-zero)</span> : null}
              </td>
              <td className={`num${r.index > 0 && bigger(r.macs, base?.macs) ? " delta-neg" : ""}`}>{compact(r.macs)}</td>
              {(["fp32", "int8"] as const).map((p) => {
                const v = p === "fp32" ? r.fp32Bytes : r.int8Bytes;
                const exported = r.precision === p;
                return (
                  <td key={p} className={`num${exported && r.index > 0 && bigger(r.fileBytes, base?.fileBytes) ? " delta-neg" : ""}${exported ? "" : " muted"}`} title={exported ? "the file this stage exports" : undefined}>
                    {exported ? <strong>{bytes(v)}</strong> : bytes(v)}
                  </td>
                );
              })}
              <td className="muted small">{r.note ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
