// Shared by the integration tests: the real worker as a child process, and a small learnable dataset.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { db as labDb, type Db } from "../lib/db";
import { closeQueue } from "../lib/queue";

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));

export { processAlive } from "./process-alive";

export interface WorkerHandle {
  process: ChildProcess;
  output: () => string;
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

/** Starts `workers/compression.ts` exactly as npm start does, against this test project's database and queue. */
export async function startWorkerProcess(extraEnv: Record<string, string> = {}): Promise<WorkerHandle> {
  const child = spawn(process.execPath, ["--import", "tsx", "workers/compression.ts"], {
    cwd: root,
    env: { ...process.env, ...extraEnv },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start:\n${output}`)), 60_000);
    const check = () => {
      if (output.includes("[worker] consuming")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on("data", check);
    child.on("exit", (code) => reject(new Error(`worker exited with ${code}:\n${output}`)));
  });
  return {
    process: child,
    output: () => output,
    stop: (signal = "SIGTERM") =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
        child.once("exit", (code) => resolve(code));
        child.kill(signal);
      }),
  };
}

/** Registers the synthetic dataset (16×16, 4 classes): learnable in seconds, for pipeline tests only. */
export async function registerSyntheticDataset(db: Db): Promise<string> {
  const data = { name: "Synthetic squares", kind: "synthetic", location: "memory", classes: ["a", "b", "c", "d"], trainCount: 512, testCount: 128, inputShape: [16, 16, 1] };
  await db.dataset.upsert({ where: { id: "synthetic" }, create: { id: "synthetic", ...data }, update: data });
  return "synthetic";
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 150_000, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * The worker of one describe block: before its tests the datasets are registered (the synthetic one unless
 * `datasets` says otherwise) and a worker process started; after them the worker, the queue connection and the
 * database connection are closed. The handle it returns reaches the worker once beforeAll has started it.
 */
export function useWorkerProcess(options: { datasets?: (db: Db) => Promise<unknown>; env?: Record<string, string> } = {}): WorkerHandle {
  let worker: WorkerHandle | undefined;
  const started = () => {
    if (!worker) throw new Error("the worker starts in beforeAll: use it inside a test");
    return worker;
  };
  beforeAll(async () => {
    await (options.datasets ?? registerSyntheticDataset)(labDb());
    worker = await startWorkerProcess(options.env);
  });
  afterAll(async () => {
    await worker?.stop();
    await closeQueue();
    await labDb().$disconnect();
  });
  return {
    get process() { return started().process; },
    output: () => worker?.output() ?? "",
    stop: (signal) => started().stop(signal),
  };
}
