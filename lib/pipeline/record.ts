// Writes of the worker's bookkeeping, each idempotent so that a retried job never duplicates a row.
import type { Db } from "../db";

export async function recordMetrics(db: Db, runId: string, stageIndex: number, step: number, values: Record<string, number>): Promise<void> {
  for (const [name, value] of Object.entries(values)) {
    if (!Number.isFinite(value)) continue;
    await db.metricPoint.upsert({
      where: { runId_stageIndex_name_step: { runId, stageIndex, name, step } },
      create: { runId, stageIndex, name, step, value },
      update: { value },
    });
  }
}
