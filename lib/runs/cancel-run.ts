import type { Db } from "../db";
import { AppError, notFound } from "../errors";
import { pipelineQueue } from "../queue";

/** Marks a run cancelled; a queued job is dropped from the queue, a running one stops at its next batch. */
export async function cancelRun(db: Db, id: string) {
  const run = await db.run.findUnique({ where: { id }, select: { status: true } });
  if (!run) throw notFound("Run");
  if (run.status !== "queued" && run.status !== "running") throw new AppError("conflict", `The run is already ${run.status}`);
  await db.run.update({ where: { id }, data: { status: "cancelled", finishedAt: new Date() } });
  // Best effort: a waiting job is removed; an active one is locked by its worker and stops by itself.
  await pipelineQueue().remove(id).catch(() => 0);
  return { id, status: "cancelled" as const };
}
