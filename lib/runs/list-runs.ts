import type { Db } from "../db";

/** The newest runs with their experiment and stages, for the runs table. */
export async function listRuns(db: Db, opts: { take?: number; skip?: number } = {}) {
  return db.run.findMany({
    orderBy: { queuedAt: "desc" },
    take: opts.take ?? 50,
    skip: opts.skip ?? 0,
    include: { experiment: { select: { name: true, baseArch: true, datasetId: true } }, stages: { orderBy: { index: "asc" } } },
  });
}
export type RunRow = Awaited<ReturnType<typeof listRuns>>[number];
