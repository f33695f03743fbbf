// The writer's side of live updates: after a change is in the database, read back just what changed (the run's
// own row, one stage with its artifacts, the metric points written) and publish it on the run's channel. The
// run lifecycle and the metric recorder call these, so every status change and every curve point is pushed
// without an open page ever re-reading the whole run.
import type { Db } from "../db";
import type { RunColumns, RunDelta } from "./run-delta";
import { publishRunDelta } from "./run-events";

/** Dates as ISO strings, as the browser's snapshot has them. */
const plain = <T>(value: T) => JSON.parse(JSON.stringify(value));

export async function publishRunStatus(db: Db, runId: string): Promise<void> {
  const run = await db.run.findUnique({ where: { id: runId } });
  if (run) await publishRunDelta(runId, { type: "status", run: plain(run) as RunColumns });
}

export async function publishStage(db: Db, runId: string, index: number): Promise<void> {
  const [stage, artifacts] = await Promise.all([
    db.stage.findUnique({ where: { runId_index: { runId, index } } }),
    db.artifact.findMany({ where: { runId, stageIndex: index }, orderBy: { kind: "asc" }, omit: { path: true } }),
  ]);
  if (!stage) return;
  // A NAS stage records its candidates as child runs before it succeeds; they come with it (same shape as get-run.ts).
  const children =
    stage.technique === "nas" && stage.status === "succeeded"
      ? await db.run.findMany({
          where: { parentRunId: runId },
          orderBy: { id: "asc" },
          select: { id: true, status: true, stages: { select: { params: true, details: true, paramCount: true, macs: true, latencyP50Ms: true } } },
        })
      : undefined;
  const delta = { type: "stage", stage: plain(stage), artifacts: plain(artifacts), ...(children ? { children: plain(children) } : {}) } as RunDelta;
  await publishRunDelta(runId, delta);
}

export async function publishMetrics(runId: string, metrics: { id: number; runId: string; stageIndex: number; name: string; step: number; value: number }[]): Promise<void> {
  if (metrics.length) await publishRunDelta(runId, { type: "metrics", metrics });
}
