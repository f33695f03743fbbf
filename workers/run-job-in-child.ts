// The worker's processor: forks workers/job-child.ts for the job, relays its progress to the queue, and turns
// its outcome into the job's: done, retried (error), or put back without using an attempt (interrupted by a
// worker shutdown — another worker resumes it from the last checkpoint). A child that cannot be started, or
// that the worker loses contact with, fails that job only; the worker carries on with the next.
import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DelayedError, type Job } from "bullmq";
import { env } from "../lib/env";
import { PipelineJob, RUN_ATTEMPTS } from "../lib/queue";
import { HEARTBEAT_MS, type ChildMessage, type ParentMessage } from "./job-messages";

const childFile = path.join(path.dirname(fileURLToPath(import.meta.url)), "job-child.ts");
const running = new Set<ChildProcess>();
/** How long a child whose IPC channel closed may take to exit by itself before it is ended. */
const DISCONNECT_GRACE_MS = 2_000;

/** Starts the process that runs one job. */
export type StartJobChild = () => ChildProcess;

const forkJobChild: StartJobChild = () =>
  fork(childFile, [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });

/** The outcome a child reported, or why there is none. Settles once, after the child is gone (or never started). */
function outcomeOf(child: ChildProcess, job: Job, start: ParentMessage, stallMs: number): Promise<ChildMessage> {
  return new Promise((resolve) => {
    let last: ChildMessage | undefined;
    let failure: string | undefined;
    let settled = false;
    let heardAt = Date.now();
    // Silence for stallMs: the child is stuck (its event loop blocked, or it never started). It is ended like a
    // child we lost, so the job's retry resumes the run from its last checkpoint and the worker moves on.
    const watchdog = setInterval(() => {
      if (Date.now() - heardAt > stallMs) lostContact(`the run's process sent no heartbeat for ${Math.round(stallMs / 1000)} s (stuck); it was ended`);
    }, Math.min(HEARTBEAT_MS, stallMs / 4));
    watchdog.unref();
    const settle = (fallback: string) => {
      if (settled) return;
      settled = true;
      clearInterval(watchdog);
      running.delete(child);
      resolve(last ?? { type: "error", message: failure ?? fallback });
    };
    const gone = () => child.exitCode !== null || child.signalCode !== null;
    // A fork that failed, a failed send, or an IPC channel closed without a result: a child we cannot talk to
    // any more. It is ended, so the job's retry is the only process training this run.
    const lostContact = (why: string) => {
      failure ??= why;
      if (child.pid === undefined || gone()) settle(why);
      else child.kill("SIGKILL");
    };
    child.on("message", (m: ChildMessage) => {
      heardAt = Date.now();
      if (m.type === "heartbeat") return;
      if (m.type === "progress") void job.updateProgress(m.progress).catch(() => {});
      else last = m;
    });
    child.on("error", (e) => lostContact(`the run's process failed: ${e.message}`));
    // A dying child closes its channel just before it exits (its exit then says why); one still alive a moment
    // later has lost the worker for good.
    child.on("disconnect", () => {
      if (last) return;
      setTimeout(() => gone() || lostContact("the worker lost contact with the run's process (it closed its channel without a result)"), DISCONNECT_GRACE_MS).unref();
    });
    child.on("exit", (code, signal) => settle(`the run's process died (${signal ?? `exit code ${code}`})`));
    child.send(start, (e) => {
      if (e) lostContact(`the worker lost contact with the run's process (sending failed: ${e.message})`);
    });
  });
}

/** The processor, with the way its child starts and the stall limit as parameters (tests make it fail). */
export function jobRunner(startChild: StartJobChild = forkJobChild, stallMs?: number) {
  return async (job: Job, token?: string): Promise<string> => {
    const { runId } = PipelineJob.parse(job.data);
    const child = startChild();
    running.add(child);
    const start: ParentMessage = { type: "start", runId, attempt: job.attemptsMade + 1, maxAttempts: job.opts.attempts ?? RUN_ATTEMPTS };
    const outcome = await outcomeOf(child, job, start, stallMs ?? env().WORKER_STALL_MS);
    if (outcome.type === "error") throw new Error(outcome.message);
    if (outcome.type === "result" && outcome.outcome === "interrupted") {
      await job.moveToDelayed(Date.now() + 1_000, token);
      throw new DelayedError();
    }
    return outcome.type === "result" ? outcome.outcome : "skipped";
  };
}

export const runJobInChild = jobRunner();

/** Asks every running job to stop at its next batch (checkpointed runs resume elsewhere). */
export function interruptRunningJobs(): void {
  for (const child of running) if (child.connected) child.send({ type: "shutdown" } satisfies ParentMessage, () => {});
}
