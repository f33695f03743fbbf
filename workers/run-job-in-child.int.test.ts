// A job's child process that cannot be started, that the worker loses contact with, or that stops sending its
// heartbeat, fails that job — and the worker, a real BullMQ Worker on the real Redis, goes on to the next job.
import { fork, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Queue, Worker, type Job } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../test/fixtures";
import { env } from "../lib/env";
import { redisConnection } from "../lib/queue";
import { jobRunner, type StartJobChild } from "./run-job-in-child";

const scratch = mkdtempSync(path.join(os.tmpdir(), "lab-child-errors-"));
/** Stand-ins for workers/job-child.ts, in plain JavaScript: one that does its job, one that drops its channel. */
const SUCCEEDS = path.join(scratch, "succeeds.mjs");
const HANGS_UP = path.join(scratch, "hangs-up.mjs");
writeFileSync(SUCCEEDS, `process.once("message", () => process.send({ type: "result", outcome: "succeeded" }, () => process.exit(0)));\n`);
writeFileSync(HANGS_UP, `process.disconnect(); setInterval(() => {}, 1000);\n`);
/** Takes the job, then blocks its event loop for good (no heartbeat, no result): a stuck native call. */
const STUCK = path.join(scratch, "stuck.mjs");
writeFileSync(STUCK, `process.once("message", () => { for (;;) {} });\n`);
const STALL_MS = 3_000;

let nextChild: StartJobChild;
const started: ChildProcess[] = [];
const startChild: StartJobChild = () => {
  const child = nextChild();
  started.push(child);
  return child;
};

const queueName = `child-errors-${process.pid}`;
let queue: Queue;
let worker: Worker;

async function finished(job: Job): Promise<Job> {
  return waitFor(`job ${job.id} to finish`, async () => {
    const now = await queue.getJob(job.id!);
    return now && (now.finishedOn ? now : null);
  }, 30_000, 100);
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("a job's child process that fails", () => {
  beforeAll(() => {
    queue = new Queue(queueName, { connection: redisConnection("consumer"), prefix: env().QUEUE_PREFIX });
    worker = new Worker(queueName, jobRunner(startChild, STALL_MS), { connection: redisConnection("consumer"), prefix: env().QUEUE_PREFIX });
  });
  afterAll(async () => {
    for (const child of started) if (child.pid && alive(child.pid)) child.kill("SIGKILL");
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it("fails the job when the fork itself fails, and the worker takes the next job", async () => {
    nextChild = () => fork(SUCCEEDS, [], { execPath: path.join(scratch, "no-such-node"), stdio: ["ignore", "inherit", "inherit", "ipc"] });
    const broken = await finished(await queue.add("run", { runId: "fork-fails" }, { attempts: 1 }));
    expect(broken.failedReason).toMatch(/the run's process failed: .*ENOENT/);

    nextChild = () => fork(SUCCEEDS, [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    const next = await finished(await queue.add("run", { runId: "after-the-failure" }, { attempts: 1 }));
    expect(next.failedReason).toBeFalsy();
    expect(next.returnvalue).toBe("succeeded");
    expect(worker.isRunning()).toBe(true);
  });

  it("fails the job and ends the child when the child drops its IPC channel but keeps running", async () => {
    nextChild = () => fork(HANGS_UP, [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    const job = await finished(await queue.add("run", { runId: "hangs-up" }, { attempts: 1 }));
    expect(job.failedReason).toMatch(/lost contact with the run's process/);
    const pid = started.at(-1)!.pid!;
    await waitFor("the orphaned child to be ended", async () => !alive(pid), 10_000, 100);
  });

  it("ends a child that stops sending its heartbeat, fails that job, and takes the next one", async () => {
    nextChild = () => fork(STUCK, [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    const stuck = await finished(await queue.add("run", { runId: "stuck" }, { attempts: 1 }));
    expect(stuck.failedReason).toMatch(/sent no heartbeat for 3 s \(stuck\); it was ended/);
    const pid = started.at(-1)!.pid!;
    await waitFor("the stuck child to be ended", async () => !alive(pid), 10_000, 100);

    nextChild = () => fork(SUCCEEDS, [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    const next = await finished(await queue.add("run", { runId: "after-the-stuck-one" }, { attempts: 1 }));
    expect(next.returnvalue).toBe("succeeded");
  });
});
