// One job's child process: runs the pipeline of one run and reports to the worker over IPC. Training is
// CPU-bound, so it runs here, never on the worker's event loop (which must keep renewing the job's lock).
// When the worker dies (even by SIGKILL) the IPC channel closes and this process exits at once, so a job is
// never trained twice: the queue hands it to another worker, which resumes from the last checkpoint.
import { db } from "../lib/db";
import { processRun, SHUTDOWN } from "../lib/pipeline/process-run";
import { progressReporter } from "../lib/pipeline/progress-reporter";
import { watchCancel } from "../lib/pipeline/watch-cancel";
import { HEARTBEAT_MS, type ChildMessage, type ParentMessage } from "./job-messages";

/** How long a cancelled run may take to reach its next check of the signal before this process ends itself. */
const CANCEL_GRACE_MS = 30_000;

const send = (m: ChildMessage) => new Promise<void>((resolve) => process.send!(m, () => resolve()));

process.on("disconnect", () => process.exit(70));
setInterval(() => process.connected && process.send!({ type: "heartbeat" } satisfies ChildMessage, () => {}), HEARTBEAT_MS).unref();

process.once("message", async (start: ParentMessage) => {
  if (start.type !== "start") return;
  const cancel = watchCancel(db(), start.runId);
  // A cancelled run stops at its next batch; one waiting on something that never answers would keep the worker,
  // and the runs queued behind it, waiting too. The run is already marked cancelled, so nothing is lost.
  cancel.signal.addEventListener("abort", () => {
    setTimeout(() => void send({ type: "result", outcome: "cancelled" }).then(() => process.exit(0)), CANCEL_GRACE_MS).unref();
  });
  const shutdown = new AbortController();
  process.on("message", (m: ParentMessage) => {
    if (m.type === "shutdown") shutdown.abort(SHUTDOWN);
  });
  try {
    const outcome = await processRun(db(), start.runId, {
      attempt: start.attempt,
      maxAttempts: start.maxAttempts,
      signal: AbortSignal.any([cancel.signal, shutdown.signal]),
      report: progressReporter(db(), start.runId, (p) => send({ type: "progress", progress: p })),
    });
    await send({ type: "result", outcome });
  } catch (e) {
    await send({ type: "error", message: e instanceof Error ? e.message : String(e) });
  } finally {
    cancel.stop();
    await db().$disconnect();
    process.exit(0);
  }
});
