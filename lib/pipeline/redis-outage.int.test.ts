// Redis goes away mid-run and comes back: the worker reconnects and the run completes exactly once; while it
// is away, pages that read the database keep working and a submit answers 503.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const PORT = 6391 + (process.pid % 50);
const dir = mkdtempSync(path.join(os.tmpdir(), "lab-redis-"));
process.env.REDIS_URL = `redis://127.0.0.1:${PORT}`; // a Redis of this test's own, so stopping it disturbs nothing else

const { GET: getRun } = await import("../../app/api/runs/[id]/route");
const { POST: postExperiment } = await import("../../app/api/experiments/route");
const { registerSyntheticDataset, startWorkerProcess, waitFor } = await import("../../test/fixtures");
const { db } = await import("../db");
const { createExperiment } = await import("../experiments/create-experiment");
const { closeQueue } = await import("../queue");
const { CreateExperiment } = await import("../schemas/experiment");

let redis: ChildProcess | undefined;

async function startRedis() {
  redis = spawn("redis-server", ["--port", String(PORT), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes", "--appendfsync", "always", "--dir", dir], { stdio: "ignore" });
  const { Redis } = await import("ioredis");
  await waitFor("redis", async () => {
    const probe = new Redis(process.env.REDIS_URL!, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on("error", () => {});
    try {
      await probe.connect();
      return (await probe.ping()) === "PONG";
    } catch {
      return false;
    } finally {
      probe.disconnect();
    }
  }, 10_000, 100);
}

async function stopRedis() {
  const r = redis!;
  await new Promise((resolve) => {
    r.once("exit", resolve);
    r.kill("SIGTERM");
  });
}

describe("Redis outage", () => {
  beforeAll(async () => {
    await startRedis();
    await registerSyntheticDataset(db());
  });
  afterAll(async () => {
    await closeQueue();
    await db().$disconnect();
    redis?.kill("SIGKILL");
  });

  it("the run survives a Redis restart; reads keep working and submits answer 503 meanwhile", async () => {
    const worker = await startWorkerProcess({ WORKER_LOCK_MS: "3000" });
    try {
      const input = CreateExperiment.parse({ name: "redis outage", datasetId: "synthetic", architecture: "small-cnn", training: { epochs: 10, batchSize: 8 }, seed: 9 });
      const { runId } = await createExperiment(db(), input);
      await waitFor("one epoch", async () => (await db().metricPoint.count({ where: { runId, name: "loss" } })) >= 1);

      await stopRedis();
      const read = await getRun(new Request(`http://lab.test/api/runs/${runId}`), { params: Promise.resolve({ id: runId }) });
      expect(read.status).toBe(200);
      const runsBefore = await db().run.count();
      const submit = await postExperiment(
        new Request("http://lab.test/api/experiments", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "during outage", datasetId: "synthetic", architecture: "small-cnn" }) }),
      );
      expect(submit.status).toBe(503);
      expect(await db().run.count()).toBe(runsBefore);
      await new Promise((r) => setTimeout(r, 3_000));
      await startRedis();

      const run = await waitFor("the run to finish", () => db().run.findFirst({ where: { id: runId, status: { in: ["succeeded", "failed"] } } }), 150_000);
      expect(run.error, worker.output()).toBeNull();
      expect(run.status).toBe("succeeded");
      const steps = (await db().metricPoint.findMany({ where: { runId, name: "loss" }, orderBy: { step: "asc" } })).map((m) => m.step);
      expect(steps).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    } finally {
      await worker.stop("SIGKILL");
    }
  });
});
