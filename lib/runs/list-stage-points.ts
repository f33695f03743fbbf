// The points of the latency-vs-accuracy scatter: every measured stage of the runs in view. The scatter
// draws at most `maxRuns` runs (the newest matching the filters, or the ids asked for), so a 20,000-stage
// database still gives the browser a chart it can move.
import type { Db } from "../db";
import { findRunIds } from "./list-runs";
import type { RunQuery } from "./run-query";

export interface StagePoint {
  runId: string;
  runName: string;
  stageIndex: number;
  technique: string;
  accuracy: number;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  sizeBytes: number | null;
  macs: number | null;
  sparsity: number | null;
  paramCount: number | null;
}

export const MAX_SCATTER_RUNS = 250;

export async function listStagePoints(db: Db, source: { query: RunQuery } | { ids: string[] }, maxRuns = MAX_SCATTER_RUNS) {
  let ids: string[];
  let matching: number;
  if ("ids" in source) {
    ids = source.ids.slice(0, maxRuns);
    matching = source.ids.length;
  } else {
    const found = await findRunIds(db, { ...source.query }, { take: maxRuns, skip: 0 });
    ids = found.ids;
    matching = found.total;
  }
  if (ids.length === 0) return { points: [] as StagePoint[], runs: 0, matching };
  const [stages, runs] = await Promise.all([
    db.stage.findMany({
      where: { runId: { in: ids }, status: "succeeded", accuracy: { not: null } },
      select: { runId: true, index: true, technique: true, accuracy: true, latencyP50Ms: true, latencyP95Ms: true, sizeBytes: true, macs: true, sparsity: true, paramCount: true },
      orderBy: [{ runId: "asc" }, { index: "asc" }],
    }),
    db.run.findMany({ where: { id: { in: ids } }, select: { id: true, experiment: { select: { name: true } } } }),
  ]);
  const names = new Map(runs.map((r) => [r.id, r.experiment.name]));
  const points: StagePoint[] = stages.map((s) => ({
    runId: s.runId,
    runName: names.get(s.runId) ?? s.runId,
    stageIndex: s.index,
    technique: s.technique,
    accuracy: s.accuracy as number,
    latencyP50Ms: s.latencyP50Ms,
    latencyP95Ms: s.latencyP95Ms,
    sizeBytes: s.sizeBytes,
    macs: s.macs,
    sparsity: s.sparsity,
    paramCount: s.paramCount,
  }));
  return { points, runs: ids.length, matching };
}
export type StagePoints = Awaited<ReturnType<typeof listStagePoints>>;
