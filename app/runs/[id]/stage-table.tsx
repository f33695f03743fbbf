"use client";
// The per-stage comparison table: every stage against the baseline, with the worker's verdict on the run's
// requirements (value, limit, pass per requirement) and the stage to ship marked.
import type { StageComparisonRow, StageMetrics, Check } from "@/lib/dashboard/stage-comparison";
import { noMeasurableChange } from "@/lib/onnx/paired-speedup";
import type { RequirementName, StageVerdict } from "@/lib/runs/requirements-verdict";
import { Requirements } from "@/lib/schemas/pipeline";
import { bytes, compact, count, ms, pct, pp, times } from "../../_components/format";
import { StatusBadge } from "../../_components/status-badge";

const CHECK_TEXT: Record<Check, string> = { pass: "✓ pass", fail: "✗ fail", "n/a": "—" };
const CHECK_SHORT: Record<Check, string> = { pass: "✓", fail: "✗", "n/a": "—" };

/** The stored value and limit of one requirement: the value short for the cell, both for its tooltip. */
function judged(verdict: StageVerdict | null, requirement: RequirementName): { value: string; full: string } | null {
  const c = verdict?.checks.find((x) => x.requirement === requirement);
  if (!c || c.value == null) return null;
  if (requirement === "maxAccuracyDrop") {
    const drop = `${(c.value * 100).toFixed(1)} pp`;
    return { value: drop, full: `accuracy drop ${drop} (max ${pct(c.limit, 0)})` };
  }
  const what = requirement === "minLatencyReduction" ? "latency" : "size";
  return { value: pct(c.value, 0), full: `${what} reduction ${pct(c.value)} (min ${pct(c.limit, 0)})` };
}

/** Stage.speedup/Low/High: paired with the baseline's ONNX (median baseline/stage ratio, 10–90 % spread). */
interface PairedSpeedupColumns {
  speedup?: number | null;
  speedupLow?: number | null;
  speedupHigh?: number | null;
}

/** The paired speed-up when the stage has one, "no measurable change" when its spread covers 1.0×; else the p50 ratio. */
function SpeedupCell({ stage, fallback, isBaseline }: { stage: PairedSpeedupColumns; fallback: number | null | undefined; isBaseline: boolean }) {
  const { speedup, speedupLow: low, speedupHigh: high } = stage;
  if (isBaseline || speedup == null || low == null || high == null) return <td className="num">{times(fallback)}</td>;
  const spread = `paired with the baseline: median ${times(speedup)}, 10–90 % of rounds ${times(low)}–${times(high)}`;
  if (noMeasurableChange({ low, high }))
    return <td className="num muted" title={spread} data-speedup="none">no measurable change</td>;
  return <td className="num" title={spread} data-speedup={speedup}>{times(speedup)} <span className="muted">({times(low)}–{times(high)})</span></td>;
}

function CheckCell({ check, detail, short }: { check: Check; detail: { value: string; full: string } | null; short?: boolean }) {
  return (
    <td className={`check-${check === "n/a" ? "na" : check}`} title={detail?.full ?? "not measured"} aria-label={check}>
      {short || !detail ? (short ? CHECK_SHORT : CHECK_TEXT)[check] : `${CHECK_SHORT[check]} ${detail.value}`}
    </td>
  );
}

export function StageTable<S extends StageMetrics & PairedSpeedupColumns & { durationMs?: number | null }>({ rows, requirements, shipStageIndex, testId, compact: short }: { rows: StageComparisonRow<S>[]; requirements: unknown; shipStageIndex?: number | null; testId?: string; compact?: boolean }) {
  const req = Requirements.safeParse(requirements ?? {}).data ?? Requirements.parse({});
  return (
    <div className="table-scroll">
      <table className={`data stage-table${short ? " compact" : ""}`} data-testid={testId}>
        <thead>
          <tr>
            <th>#</th><th>Technique</th>{short ? null : <th>Status</th>}
            <th className="num">Top-1</th><th className="num">{short ? "Δ top-1" : "Δ vs baseline"}</th>
            <th className="num">p50</th>{short ? null : <th className="num">p95</th>}<th className="num">Speedup</th>
            <th className="num">Size</th><th className="num">Ratio</th>
            {short ? null : <><th className="num">Params</th><th className="num">Sparsity</th><th className="num">MACs</th></>}
            <th title={`accuracy drop ≤ ${pct(req.maxAccuracyDrop, 0)}`}>{short ? "Acc" : `Acc ≤${pct(req.maxAccuracyDrop, 0)}`}</th>
            <th title={`latency reduction ≥ ${pct(req.minLatencyReduction, 0)}`}>{short ? "Lat" : `Lat −${pct(req.minLatencyReduction, 0)}`}</th>
            <th title={`size reduction ≥ ${pct(req.minSizeReduction, 0)}`}>{short ? "Size" : `Size −${pct(req.minSizeReduction, 0)}`}</th>
            <th title="meets every requirement (judged by the worker when the stage ended)">{short ? "All" : "Meets all"}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const s = r.stage;
            return (
              <tr key={s.index} data-meets={r.meetsAll == null ? undefined : String(r.meetsAll)} className={s.index === shipStageIndex ? "ship" : undefined} data-ship={s.index === shipStageIndex ? "true" : undefined}>
                <td>{s.index}</td>
                <td>{s.technique}{r.isBaseline && s.technique !== "baseline" ? <span className="muted"> (baseline)</span> : null}{s.index === shipStageIndex ? <span className="ship-mark" title="the stage to ship: meets every requirement with the smallest file"> ★ ship</span> : null}</td>
                {short ? null : <td><StatusBadge status={s.status} /></td>}
                <td className="num">{pct(s.accuracy, 2)}</td>
                <td className={`num ${r.deltaAccuracy != null && r.deltaAccuracy < 0 ? "delta-neg" : r.deltaAccuracy ? "delta-pos" : ""}`}>{r.isBaseline ? "—" : pp(r.deltaAccuracy, 2)}</td>
                <td className="num">{ms(s.latencyP50Ms)}</td>
                {short ? null : <td className="num">{ms(s.latencyP95Ms)}</td>}
                <SpeedupCell stage={s} fallback={r.speedup} isBaseline={r.isBaseline} />
                <td className="num" title={s.gzipBytes ? `${bytes(s.gzipBytes)} gzipped` : undefined}>{bytes(s.sizeBytes)}</td>
                <td className="num">{times(r.compressionRatio)}</td>
                {short ? null : <>
                  <td className="num" title={s.nonzeroParams != null ? `${count(s.nonzeroParams)} non-zero` : undefined}>{compact(s.paramCount)}</td>
                  <td className="num">{s.sparsity != null ? pct(s.sparsity, 0) : "—"}</td>
                  <td className="num">{compact(s.macs)}</td>
                </>}
                <CheckCell short={short} check={r.checks.accuracy} detail={judged(r.verdict, "maxAccuracyDrop")} />
                <CheckCell short={short} check={r.checks.latency} detail={judged(r.verdict, "minLatencyReduction")} />
                <CheckCell short={short} check={r.checks.size} detail={judged(r.verdict, "minSizeReduction")} />
                <td className={r.meetsAll == null ? "check-na" : r.meetsAll ? "check-pass" : "check-fail"} data-testid="stage-meets">{r.meetsAll == null ? "—" : r.meetsAll ? "✓" : "✗"}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
