// The compression worker process: consumes the pipeline queue, each job in a child process of its own, and
// shuts down in order on SIGTERM/SIGINT: stop taking jobs, ask running ones to stop at their next batch
// (they are put back on the queue and resume from their last checkpoint), then exit.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "bullmq";
import { db } from "../lib/db";
import { env } from "../lib/env";
import { PipelineJob, QueueName, redisConnection } from "../lib/queue";
import { moveRun } from "../lib/runs/run-lifecycle";
import { interruptRunningJobs, runJobInChild } from "./run-job-in-child";

/** How long a shutdown waits for running jobs to hand themselves back before exiting anyway. */
const SHUTDOWN_GRACE_MS = 20_000;

export function startWorker(): Worker {
  // A job whose worker stopped renewing its lock for WORKER_LOCK_MS is handed to another worker.
  const { WORKER_CONCURRENCY, QUEUE_PREFIX, WORKER_LOCK_MS: LOCK_DURATION_MS } = env();
  const worker = new Worker(QueueName.Pipeline, runJobInChild, {
    connection: redisConnection("consumer"),
    prefix: QUEUE_PREFIX,
    concurrency: WORKER_CONCURRENCY,
    lockDuration: LOCK_DURATION_MS,
    stalledInterval: Math.max(1_000, Math.floor(LOCK_DURATION_MS / 2)),
    maxStalledCount: 2,
  });
  // A job that failed for good without our code seeing it (stalled too often, process died) must not leave
  // its run "running" forever.
  worker.on("failed", async (job, error) => {
    const exhausted = job && (job.attemptsMade >= (job.opts.attempts ?? 1) || /stalled more than/i.test(error.message));
    if (!job || !exhausted) return;
    const parsed = PipelineJob.safeParse(job.data);
    if (!parsed.success) return;
    await moveRun(db(), parsed.data.runId, "failed", { error: error.message, finishedAt: new Date() })
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
    console.log(`[worker] ${signal}: handing running jobs back to the queue, then exiting`);
    setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS).unref();
    const closing = worker.close();
    interruptRunningJobs();
    await closing;
    await db().$disconnect();
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}
