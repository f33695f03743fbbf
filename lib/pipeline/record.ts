// Writes of the worker's bookkeeping, each idempotent so that a retried job never duplicates a row.
import type { Db } from "../db";
import { publishMetrics } from "../runs/publish-run-delta";

/** Stores one step's metric points and pushes them to open run pages (one message per step). */
export async function recordMetrics(db: Db, runId: string, stageIndex: number, step: number, values: Record<string, number>): Promise<void> {
  const written = [];
  for (const [name, value] of Object.entries(values)) {
    if (!Number.isFinite(value)) continue;
    written.push(
      await db.metricPoint.upsert({
        where: { runId_stageIndex_name_step: { runId, stageIndex, name, step } },
        create: { runId, stageIndex, name, step, value },
        update: { value },
      }),
    );
  }
  await publishMetrics(runId, written);
}
