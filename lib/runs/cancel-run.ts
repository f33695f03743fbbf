import type { Db } from "../db";
import { AppError, notFound } from "../errors";
import { pipelineQueue } from "../queue";
import { moveRun, runStatusOf } from "./run-lifecycle";

/** Marks a run cancelled; a queued job is dropped from the queue, a running one stops at its next batch. */
export async function cancelRun(db: Db, id: string) {
  // One conditional update: a run that ends while the user clicks is either cancelled or reported as ended.
  if (!(await moveRun(db, id, "cancelled", { finishedAt: new Date() }))) {
    const status = await runStatusOf(db, id);
    if (!status) throw notFound("Run");
    throw new AppError("conflict", `The run is already ${status}`);
  }
  // Best effort: a waiting job is removed; an active one is locked by its worker and stops by itself.
  await pipelineQueue().remove(id).catch(() => 0);
  return { id, status: "cancelled" as const };
}
