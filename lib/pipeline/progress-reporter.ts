import type { Db } from "../db";
import type { RunProgress } from "../schemas/run";

const PUBLISH_EVERY_MS = 250;
const STORE_EVERY_MS = 1_000;

/**
 * Called after every training batch. Publishes progress to the queue (live, for the SSE stream) at most four
 * times a second and stores it on the run's row at most once a second (so a reloaded page shows where the run
 * is). Every call also yields to the event loop: training is synchronous work, and without this turn the
 * child would not see a cancel or a shutdown message until the epoch ends.
 */
export function progressReporter(db: Db, runId: string, publish: (p: RunProgress) => Promise<void>) {
  let lastPublish = 0;
  let lastStore = 0;
  return async (p: RunProgress) => {
    await new Promise<void>((resolve) => setImmediate(resolve));
    const now = Date.now();
    const milestone = p.phase !== "training" || p.batch === p.batches;
    if (milestone || now - lastPublish >= PUBLISH_EVERY_MS) {
      lastPublish = now;
      await publish(p);
    }
    if (milestone || now - lastStore >= STORE_EVERY_MS) {
      lastStore = now;
      await db.run.update({ where: { id: runId }, data: { progress: p } });
    }
  };
}
