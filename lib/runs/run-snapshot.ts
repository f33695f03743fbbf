// The run as its page and GET /api/runs/:id show it. Reading all of it (stages, artifacts, metric series, child
// runs: five nested reads) cost ~5.7 ms of CPU per page at 100,000 runs, the largest share of a run page after
// Next's own rendering. A finished run's stages and what hangs off them do not change, so those are kept per
// process (`cachedParts`); the run's own row, its experiment (name, description, tags can change) and whether it
// still exists are read whenever the database's data version moved (view-cache.ts: ten people on one run page of
// an idle lab cost one version read each), with each stage's status and end — the version the parts are checked
// against. Every write to a stage ends with a status move (lib/runs/run-lifecycle.ts), so a run that is cancelled
// while its worker finishes the stage, or a run sent back to the queue, changes the version and is read afresh.
import { withoutLocation } from "../datasets/public-dataset";
import type { Db } from "../db";
import { notFound } from "../errors";
import { CHILD_RUNS } from "./get-run";
import { currentViewResult } from "./view-cache";

const FINAL = new Set(["succeeded", "failed", "cancelled"]);
/** Snapshots are 5–50 kB: at most this many finished runs' parts are kept per process. */
export const SNAPSHOT_CACHE_MAX_RUNS = 500;

async function readHead(db: Db, id: string) {
  return db.run.findUnique({
    where: { id },
    include: { experiment: { include: { dataset: true } }, stages: { orderBy: { index: "asc" }, select: { status: true, finishedAt: true } } },
  });
}
type Head = NonNullable<Awaited<ReturnType<typeof readHead>>>;

/** What a finished run does not change: read only when the version differs from the cached one. */
async function readParts(db: Db, id: string) {
  const [stages, artifacts, metrics, children] = await Promise.all([
    db.stage.findMany({ where: { runId: id }, orderBy: { index: "asc" } }),
    db.artifact.findMany({ where: { runId: id }, orderBy: [{ stageIndex: "asc" }, { kind: "asc" }], omit: { path: true } }),
    db.metricPoint.findMany({ where: { runId: id }, orderBy: [{ stageIndex: "asc" }, { step: "asc" }] }),
    db.run.findMany({ where: { parentRunId: id }, ...CHILD_RUNS }),
  ]);
  return jsonify({ stages, artifacts, metrics, children });
}
type Parts = Awaited<ReturnType<typeof readParts>>;

const cache = new WeakMap<Db, Map<string, { version: string; parts: Parts }>>();

/** The version a finished run's parts are cached under; null while the run can still change them. */
function versionOf(head: Head): string | null {
  if (!FINAL.has(head.status) || head.stages.some((s) => s.status === "running")) return null;
  return JSON.stringify([head.status, head.attempts, head.finishedAt, head.stages.map((s) => [s.status, s.finishedAt])]);
}

async function cachedParts(db: Db, head: Head): Promise<Parts> {
  const version = versionOf(head);
  let runs = cache.get(db);
  if (!runs) cache.set(db, (runs = new Map()));
  const hit = runs.get(head.id);
  if (version !== null && hit?.version === version) return hit.parts;
  const parts = await readParts(db, head.id);
  runs.delete(head.id);
  if (version !== null) {
    if (runs.size >= SNAPSHOT_CACHE_MAX_RUNS) runs.delete(runs.keys().next().value!); // the oldest entry
    runs.set(head.id, { version, parts });
  }
  return parts;
}

/**
 * The run as the browser sees it: plain JSON (dates as ISO strings, no server paths: artifacts', dataset's). The
 * stages, artifacts, metrics and children of a finished run are shared between calls: do not mutate them.
 */
export function runSnapshot(db: Db, id: string): Promise<RunSnapshot> {
  return currentViewResult(db, `run|${id}`, () => readSnapshot(db, id));
}

async function readSnapshot(db: Db, id: string) {
  const head = await readHead(db, id);
  if (!head) {
    cache.get(db)?.delete(id);
    throw notFound("Run");
  }
  const { experiment, stages: _version, ...run } = head;
  const parts = await cachedParts(db, head);
  return { ...jsonify({ ...run, experiment: { ...experiment, dataset: withoutLocation(experiment.dataset) } }), ...parts } as RunSnapshot;
}

/** How many finished runs' parts this process holds for `db` (tests). */
export const cachedSnapshotCount = (db: Db) => cache.get(db)?.size ?? 0;

const jsonify = <T>(value: T) => JSON.parse(JSON.stringify(value)) as Jsonify<T>;
type Jsonify<T> = T extends Date ? string : T extends (infer U)[] ? Jsonify<U>[] : T extends object ? { [K in keyof T]: Jsonify<T[K]> } : T;
type Run = Omit<Head, "stages" | "experiment"> & { experiment: Omit<Head["experiment"], "dataset"> & { dataset: Omit<Head["experiment"]["dataset"], "location"> } };
export type RunSnapshot = Jsonify<Run> & Parts;
