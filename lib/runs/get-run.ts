import type { Db } from "../db";
import { notFound } from "../errors";

/** A run's child runs (NAS candidates, auto probes: lib/pipeline/child-runs.ts) with their one stage, as the run
 *  page shows them — in its snapshot and in the live delta of the stage that wrote them. */
export const CHILD_RUNS = {
  orderBy: { id: "asc" },
  select: { id: true, status: true, stages: { select: { technique: true, params: true, details: true, paramCount: true, macs: true, latencyP50Ms: true, sizeBytes: true, gzipBytes: true, speedup: true } } },
} as const;

/** A run with everything its page shows. */
export async function getRunOrThrow(db: Db, id: string) {
  const run = await db.run.findUnique({
    where: { id },
    include: {
      experiment: { include: { dataset: true } },
      stages: { orderBy: { index: "asc" } },
      artifacts: { orderBy: [{ stageIndex: "asc" }, { kind: "asc" }] },
      metrics: { orderBy: [{ stageIndex: "asc" }, { step: "asc" }] },
      children: CHILD_RUNS,
    },
  });
  if (!run) throw notFound("Run");
  return run;
}
export type RunDetail = Awaited<ReturnType<typeof getRunOrThrow>>;
