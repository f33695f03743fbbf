// The compression worker process: consumes the pipeline queue with sandboxed processors, and shuts down in
// order on SIGTERM/SIGINT (stop taking jobs, let the current ones finish or be handed back, then exit).
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "bullmq";
import { db } from "../lib/db";
import { env } from "../lib/env";
import { PipelineJob, QueueName, redisConnection } from "../lib/queue";

const here = path.dirname(fileURLToPath(import.meta.url));
const processorFile = path.join(here, "pipeline-processor.ts");

/** Training a stage can take minutes; the parent renews the lock meanwhile, but give it room. */
const LOCK_DURATION_MS = 60_000;

export function startWorker(): Worker {
  const { WORKER_CONCURRENCY, QUEUE_PREFIX } = env();
  const worker = new Worker(QueueName.Pipeline, processorFile, {
    connection: redisConnection("consumer"),
    prefix: QUEUE_PREFIX,
    concurrency: WORKER_CONCURRENCY,
    lockDuration: LOCK_DURATION_MS,
    maxStalledCount: 2,
    useWorkerThreads: false,
  });
  // A job that failed for good without our code seeing it (stalled too often, process died) must not leave
  // its run "running" forever.
  worker.on("failed", async (job, error) => {
    if (!job || job.attemptsMade < (job.opts.attempts ?? 1)) return;
    const parsed = PipelineJob.safeParse(job.data);
    if (!parsed.success) return;
    await db()
      .run.updateMany({ where: { id: parsed.data.runId, status: { in: ["queued", "running"] } }, data: { status: "failed", error: error.message, finishedAt: new Date() } })
      .catch((e) => console.error("[worker] could not mark run failed:", e));
  });
  worker.on("error", (e) => console.error("[worker]", e.message));
  return worker;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const worker = startWorker();
  console.log(`[worker] consuming "${QueueName.Pipeline}" with concurrency ${env().WORKER_CONCURRENCY}`);
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[worker] ${signal}: finishing the current job, then exiting`);
    await worker.close();
    await db().$disconnect();
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}
