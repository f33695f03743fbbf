import type { Db } from "../db";

/**
 * Aborts when the run is cancelled in the database. Polling the row (every 2 s) rather than listening on
 * Redis keeps cancel working from any web process to any worker machine, with no extra channel to lose.
 */
export function watchCancel(db: Db, runId: string, intervalMs = 2_000): { signal: AbortSignal; stop: () => void } {
  const controller = new AbortController();
  const timer = setInterval(async () => {
    try {
      const run = await db.run.findUnique({ where: { id: runId }, select: { status: true } });
      if (!run || run.status === "cancelled") controller.abort();
    } catch {
      // A database hiccup is not a cancel; the next poll tries again.
    }
  }, intervalMs);
  timer.unref();
  return { signal: controller.signal, stop: () => clearInterval(timer) };
}
