// The per-stage comparison table: every stage against the baseline, with the run's requirements checked.
import type { StageComparisonRow, StageMetrics, Check } from "@/lib/dashboard/stage-comparison";
import { noMeasurableChange } from "@/lib/onnx/paired-speedup";
import { Requirements } from "@/lib/schemas/pipeline";
import { bytes, compact, count, ms, pct, pp, times } from "../../_components/format";
import { StatusBadge } from "../../_components/status-badge";

const CHECK_TEXT: Record<Check, string> = { pass: "✓ pass", fail: "✗ fail", "n/a": "—" };
const CHECK_SHORT: Record<Check, string> = { pass: "✓", fail: "✗", "n/a": "—" };

function CheckCell({ check, title, short }: { check: Check; title: string; short?: boolean }) {
  return <td className={`check-${check === "n/a" ? "na" : check}`} title={title} aria-label={check}>{(short ? CHECK_SHORT : CHECK_TEXT)[check]}</td>;
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

export function StageTable<S extends StageMetrics & PairedSpeedupColumns & { durationMs?: number | null }>({ rows, requirements, testId, compact: short }: { rows: StageComparisonRow<S>[]; requirements: unknown; testId?: string; compact?: boolean }) {
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
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const s = r.stage;
            return (
              <tr key={s.index} data-meets={r.meetsAll == null ? undefined : String(r.meetsAll)}>
                <td>{s.index}</td>
                <td>{s.technique}{r.isBaseline && s.technique !== "baseline" ? <span className="muted"> (baseline)</span> : null}</td>
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
                <CheckCell short={short} check={r.checks.accuracy} title={r.deltaAccuracy != null ? `drop ${pp(-r.deltaAccuracy, 2)} (max ${pct(req.maxAccuracyDrop, 0)})` : "not measured"} />
                <CheckCell short={short} check={r.checks.latency} title={r.latencyReduction != null ? `${pct(r.latencyReduction)} faster (need ${pct(req.minLatencyReduction, 0)})` : "not measured"} />
                <CheckCell short={short} check={r.checks.size} title={r.sizeReduction != null ? `${pct(r.sizeReduction)} smaller (need ${pct(req.minSizeReduction, 0)})` : "not measured"} />
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
