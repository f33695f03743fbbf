import Link from "next/link";
import { db } from "@/lib/db";
import { listRuns } from "@/lib/runs/list-runs";
import { RunProgress } from "@/lib/schemas/run";
import { bytes, duration, ms, pct, when } from "./_components/format";
import { StatusBadge } from "./_components/status-badge";

export const dynamic = "force-dynamic";

export default async function RunsPage() {
  const runs = await listRuns(db(), { take: 100 });
  return (
    <>
      <div className="row">
        <h1>Runs</h1>
        <span className="spacer" />
        <Link className="button" href="/experiments/new">New experiment</Link>
      </div>
      {runs.length === 0 ? (
        <div className="panel muted">No runs yet. Start one from <Link href="/experiments/new">New experiment</Link>.</div>
      ) : (
        <table className="data" data-testid="runs-table">
          <thead>
            <tr>
              <th>Experiment</th><th>Pipeline</th><th>Status</th><th className="num">Top-1</th><th className="num">Latency p50</th>
              <th className="num">ONNX size</th><th>Backend</th><th>Started</th><th className="num">Duration</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((run) => {
              const done = run.stages.filter((s) => s.status === "succeeded");
              const last = done.at(-1);
              const best = done.reduce<number | null>((b, s) => (s.accuracy != null && (b == null || s.accuracy > b) ? s.accuracy : b), null);
              const progress = RunProgress.safeParse(run.progress);
              return (
                <tr key={run.id}>
                  <td><Link href={`/runs/${run.id}`}>{run.experiment.name}</Link><div className="muted">{run.experiment.baseArch} · {run.experiment.datasetId}</div></td>
                  <td>{run.stages.map((s) => s.technique).join(" → ")}</td>
                  <td>
                    <StatusBadge status={run.status} />
                    {run.status === "running" && progress.success ? <span className="muted"> {Math.round(progress.data.fraction * 100)}%</span> : null}
                  </td>
                  <td className="num">{pct(best)}</td>
                  <td className="num">{ms(last?.latencyP50Ms)}</td>
                  <td className="num">{bytes(last?.sizeBytes)}</td>
                  <td>{run.backend ?? "—"}</td>
                  <td>{when(run.startedAt ?? run.queuedAt)}</td>
                  <td className="num">{duration(run.startedAt, run.finishedAt)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
}
