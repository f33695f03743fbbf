// The architectures a NAS stage sampled, each a child run (lib/pipeline/child-runs.ts): what the search
// measured of them, the Pareto set over cost and proxy accuracy, and the one it trained fully.
import type { RunSnapshot } from "@/lib/runs/run-snapshot";
import { compact, count, ms, pct } from "../../_components/format";

interface CandidateDetails { valAccuracy?: number; pareto?: boolean; feasible?: boolean; chosen?: boolean; rungs?: number[]; parentStageIndex?: number }
interface Architecture { width?: number; depth?: number; kernel?: number; expansion?: number }

export function NasCandidates({ runs }: { runs: RunSnapshot["children"] }) {
  const rows = runs.map((r) => {
    const stage = r.stages[0];
    return { id: r.id, stage, arch: (stage?.params ?? {}) as Architecture, d: (stage?.details ?? {}) as CandidateDetails };
  });
  return (
    <div className="table-scroll">
      <table className="data" data-testid="nas-candidates">
        <thead>
          <tr>
            <th>Candidate</th><th>Stage</th><th className="num">Width</th><th className="num">Depth</th><th className="num">Kernel</th>
            <th className="num">Expansion</th><th className="num">Params</th><th className="num">MACs</th><th className="num">Latency p50</th>
            <th className="num" title="validation accuracy after each successive-halving rung it reached (short-training proxies; the Pareto set uses the first, which every candidate has)">Proxy val. acc. by rung</th>
            <th>Budget</th><th title="Pareto-optimal over cost and proxy accuracy">Pareto</th><th></th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ id, stage, arch, d }, i) => (
            <tr key={id} className={d.chosen ? "highlight" : undefined}>
              <td><a href={`/runs/${id}`}>#{i + 1}</a></td>
              <td>{d.parentStageIndex ?? "—"}</td>
              <td className="num">{arch.width ?? "—"}</td><td className="num">{arch.depth ?? "—"}</td>
              <td className="num">{arch.kernel ?? "—"}</td><td className="num">{arch.expansion ?? "—"}</td>
              <td className="num">{count(stage?.paramCount)}</td><td className="num">{compact(stage?.macs)}</td>
              <td className="num">{ms(stage?.latencyP50Ms)}</td>
              <td className="num">{d.feasible ? (d.rungs?.length ? d.rungs : [d.valAccuracy]).map((a) => pct(a)).join(" → ") : "not trained"}</td>
              <td className={d.feasible ? "check-pass" : "check-fail"}>{d.feasible ? "✓ within" : "✗ over"}</td>
              <td>{d.pareto ? "★" : ""}</td>
              <td>{d.chosen ? <strong>trained fully</strong> : null}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
