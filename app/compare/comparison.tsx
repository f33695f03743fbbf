// 2 to 10 runs side by side: their stage tables, one scatter, and the settings they differ in (highlighted); with
// fewer than two of them found, the picker. Rendered by /compare/[runs] (what /compare?runs=a,b,… serves).
import Link from "next/link";
import { diffParams } from "@/lib/dashboard/param-diff";
import { db } from "@/lib/db";
import { getRunsForCompare, recentRunChoices } from "@/lib/runs/get-runs-for-compare";
import { RunLink } from "../_components/run-link";
import { StageScatter } from "../_components/stage-scatter";
import { StatusBadge } from "../_components/status-badge";
import { StageTable } from "../runs/[id]/stage-table";
import { ParamTable } from "./param-table";

export async function Comparison({ ids }: { ids: string[] }) {
  const runs = ids.length ? await getRunsForCompare(db(), ids) : [];
  if (runs.length < 2) return <Picker chosen={runs.map((r) => r.id)} missing={ids.filter((id) => !runs.some((r) => r.id === id))} />;
  const diff = diffParams(runs.map((r) => r.settings));
  const differing = diff.filter((d) => d.differs).length;
  const names = runs.map((r) => ({ id: r.id, experiment: { name: r.experiment.name } }));
  return (
    <>
      <div className="row">
        <h1>Compare {runs.length} runs</h1>
        <span className="spacer" />
        <Link className="button secondary" href="/">Back to runs</Link>
      </div>
      <section className="panel" aria-label="Latency vs accuracy of the compared runs">
        <StageScatter apiQuery={`?runs=${runs.map((r) => r.id).join(",")}`} height={300} />
      </section>

      <h2>Stages</h2>
      <div className="compare-grid" data-testid="compare-stages">
        {runs.map((r) => (
          <div key={r.id} className="panel" style={{ minWidth: 0 }}>
            <div className="row" style={{ marginBottom: 8 }}>
              <RunLink id={r.id}><strong>{r.experiment.name}</strong></RunLink>
              <StatusBadge status={r.status} />
              <span className="muted small">{r.experiment.baseArch} · {r.experiment.datasetId}</span>
            </div>
            <StageTable rows={r.rows} requirements={r.requirements} compact />
          </div>
        ))}
      </div>

      <h2>Parameters <span className="muted small">({differing} of {diff.length} differ)</span></h2>
      {/* What differs first; the settings every run shares folded away (MLflow's "show diff only"). */}
      {differing ? (
        <ParamTable runs={names} rows={diff.filter((d) => d.differs)} testId="param-diff" />
      ) : (
        <p className="muted" data-testid="param-diff">No setting differs: these runs repeat one configuration.</p>
      )}
      {differing < diff.length ? (
        <details className="pareto-list" data-testid="param-same">
          <summary>{diff.length - differing} setting{diff.length - differing === 1 ? "" : "s"} the same in every run</summary>
          <ParamTable runs={names} rows={diff.filter((d) => !d.differs)} />
        </details>
      ) : null}
    </>
  );
}

async function Picker({ chosen, missing }: { chosen: string[]; missing: string[] }) {
  const recent = await recentRunChoices(db());
  return (
    <>
      <h1>Compare runs</h1>
      {missing.length ? <div className="alert warn">Not found: {missing.join(", ")}</div> : null}
      <form method="get" action="/compare" className="panel" style={{ display: "grid", gap: 8 }}>
        <p style={{ margin: 0 }}>Choose 2–10 runs (or tick them in the <Link href="/">runs table</Link>).</p>
        {recent.length === 0 ? <p className="muted">No runs yet.</p> : null}
        {recent.map((r) => (
          <label key={r.id} className="inline">
            <input type="checkbox" name="run" value={r.id} defaultChecked={chosen.includes(r.id)} /> {r.experiment.name} <StatusBadge status={r.status} />
          </label>
        ))}
        <div><button className="button" type="submit">Compare</button></div>
      </form>
    </>
  );
}
