// The compare view's runs: settings and stage metrics (no curves, no confusion matrices), in the order asked.
import { compareStages } from "../dashboard/stage-comparison";
import type { Db } from "../db";
import { currentViewResult } from "./view-cache";

/** Read once per data version for everyone comparing the same runs (view-cache.ts). */
export function getRunsForCompare(db: Db, ids: string[]) {
  return currentViewResult(db, `compare|${ids.join(",")}`, () => readRunsForCompare(db, ids));
}

async function readRunsForCompare(db: Db, ids: string[]) {
  const runs = await db.run.findMany({
    where: { id: { in: ids } },
    select: {
      id: true, status: true, seed: true, backend: true, pipeline: true, training: true, requirements: true, queuedAt: true,
      experiment: { select: { name: true, baseArch: true, datasetId: true, tags: true } },
      stages: {
        orderBy: { index: "asc" },
        select: { index: true, technique: true, status: true, accuracy: true, top5: true, latencyP50Ms: true, latencyP95Ms: true, speedup: true, speedupLow: true, speedupHigh: true, sizeBytes: true, gzipBytes: true, paramCount: true, nonzeroParams: true, macs: true, sparsity: true, durationMs: true, verdict: true },
      },
    },
  });
  const byId = new Map(runs.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const r = byId.get(id);
    if (!r) return [];
    return [{
      ...r,
      rows: compareStages(r.stages),
      settings: { dataset: r.experiment.datasetId, architecture: r.experiment.baseArch, seed: r.seed, backend: r.backend, training: r.training, requirements: r.requirements, pipeline: r.pipeline } as Record<string, unknown>,
    }];
  });
}

/** Recent runs to pick from when fewer than two are chosen. */
export async function recentRunChoices(db: Db, take = 30) {
  return db.run.findMany({ orderBy: { queuedAt: "desc" }, take, select: { id: true, status: true, experiment: { select: { name: true } } } });
}
