import type { Db } from "../db";
import type { RunProgress } from "../schemas/run";

/**
 * Publishes progress to the queue (live, for the SSE stream) every time, and to the run's row at most once a
 * second (so a reloaded page shows where the run is without hammering the database).
 */
export function progressReporter(db: Db, runId: string, publish: (p: RunProgress) => Promise<void>) {
  let lastWrite = 0;
  return async (p: RunProgress) => {
    await publish(p);
    const now = Date.now();
    if (now - lastWrite >= 1_000 || p.phase !== "training") {
      lastWrite = now;
      await db.run.update({ where: { id: runId }, data: { progress: p } });
    }
  };
}
