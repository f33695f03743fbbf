// The worker's processor: forks workers/job-child.ts for the job, relays its progress to the queue, and turns
// its outcome into the job's: done, retried (error), or put back without using an attempt (interrupted by a
// worker shutdown — another worker resumes it from the last checkpoint).
import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DelayedError, type Job } from "bullmq";
import { PipelineJob, RUN_ATTEMPTS } from "../lib/queue";
import type { ChildMessage, ParentMessage } from "./job-messages";

const childFile = path.join(path.dirname(fileURLToPath(import.meta.url)), "job-child.ts");
const running = new Set<ChildProcess>();

export async function runJobInChild(job: Job, token?: string): Promise<string> {
  const { runId } = PipelineJob.parse(job.data);
  const child = fork(childFile, [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  running.add(child);
  const outcome = await new Promise<ChildMessage>((resolve) => {
    let last: ChildMessage | undefined;
    child.on("message", (m: ChildMessage) => {
      if (m.type === "progress") void job.updateProgress(m.progress).catch(() => {});
      else last = m;
    });
    child.on("exit", (code, signal) => {
      running.delete(child);
      resolve(last ?? { type: "error", message: `the run's process died (${signal ?? `exit code ${code}`})` });
    });
    const start: ParentMessage = { type: "start", runId, attempt: job.attemptsMade + 1, maxAttempts: job.opts.attempts ?? RUN_ATTEMPTS };
    child.send(start);
  });
  if (outcome.type === "error") throw new Error(outcome.message);
  if (outcome.type === "result" && outcome.outcome === "interrupted") {
    await job.moveToDelayed(Date.now() + 1_000, token);
    throw new DelayedError();
  }
  return outcome.type === "result" ? outcome.outcome : "skipped";
}

/** Asks every running job to stop at its next batch (checkpointed runs resume elsewhere). */
export function interruptRunningJobs(): void {
  for (const child of running) child.send({ type: "shutdown" } satisfies ParentMessage, () => {});
}
