// The writer's side of live updates: after a change is in the database, read back just what changed (the run's
// own row, one stage with its artifacts, the metric points written) and publish it on the run's channel. The
// run lifecycle and the metric recorder call these, so every status change and every curve point is pushed
// without an open page ever re-reading the whole run.
import type { Db } from "../db";
import { CHILD_RUNS } from "./get-run";
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
  // A stage whose technique writes child runs (NAS candidates, auto probes) writes them before it succeeds; they
  // come with it, as the snapshot has them. Which techniques do is their descriptors' business: ask the rows.
  const children = stage.status === "succeeded" ? await db.run.findMany({ where: { parentRunId: runId }, ...CHILD_RUNS }) : [];
  const delta = { type: "stage", stage: plain(stage), artifacts: plain(artifacts), ...(children.length ? { children: plain(children) } : {}) } as RunDelta;
  await publishRunDelta(runId, delta);
}

export async function publishMetrics(runId: string, metrics: { id: number; runId: string; stageIndex: number; name: string; step: number; value: number }[]): Promise<void> {
  if (metrics.length) await publishRunDelta(runId, { type: "metrics", metrics });
}
