// Workers die, get stopped, runs get cancelled: every run still ends exactly once, resumed rather than redone.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { POST as cancelRoute } from "../../app/api/runs/[id]/cancel/route";
import { registerSyntheticDataset, startWorkerProcess, waitFor, type WorkerHandle } from "../../test/fixtures";
import { db } from "../db";
import { createExperiment } from "../experiments/create-experiment";
import { closeQueue } from "../queue";
import { CreateExperiment } from "../schemas/experiment";

/** Short locks so a dead worker's job is handed on within seconds (production uses 30 s). */
const FAST_STALL = { WORKER_LOCK_MS: "3000" };
const EPOCHS = 12;
const workers: WorkerHandle[] = [];

async function start(): Promise<WorkerHandle> {
  const w = await startWorkerProcess(FAST_STALL);
  workers.push(w);
  return w;
}

async function submit(name: string): Promise<string> {
  const input = CreateExperiment.parse({ name, datasetId: "synthetic", architecture: "small-cnn", training: { epochs: EPOCHS, batchSize: 8 }, seed: 5 });
  return (await createExperiment(db(), input)).runId;
}

const epochsDone = async (runId: string) => db().metricPoint.count({ where: { runId, name: "loss" } });
const lossSteps = async (runId: string) =>
  (await db().metricPoint.findMany({ where: { runId, name: "loss" }, orderBy: { step: "asc" } })).map((m) => m.step);

describe("faults", () => {
  beforeAll(async () => {
    await registerSyntheticDataset(db());
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop("SIGKILL")));
  });
  afterAll(async () => {
    await closeQueue();
    await db().$disconnect();
  });

  it("a worker killed mid-training: another worker resumes the run from its checkpoint, no duplicate rows", async () => {
    const first = await start();
    const runId = await submit("killed worker");
    await waitFor("two epochs", async () => (await epochsDone(runId)) >= 2);
    await first.stop("SIGKILL");
    const reachedBeforeKill = await epochsDone(runId);
    expect(reachedBeforeKill).toBeLessThan(EPOCHS);

    const second = await start();
    const run = await waitFor("the run to finish", () => db().run.findFirst({ where: { id: runId, status: { in: ["succeeded", "failed"] } } }));
    expect(run.error, second.output()).toBeNull();
    expect(run.status).toBe("succeeded");
    expect(second.output()).toMatch(/resuming from the checkpoint of epoch \d+/);
    expect(await lossSteps(runId)).toEqual(Array.from({ length: EPOCHS }, (_, i) => i + 1));
    expect(await db().stage.count({ where: { runId } })).toBe(1);
    expect(await db().artifact.count({ where: { runId, kind: "onnx-fp32" } })).toBe(1);
  });

  it("a worker stopped with SIGTERM hands its run back within seconds; the next worker finishes it", async () => {
    const first = await start();
    const runId = await submit("stopped worker");
    await waitFor("one epoch", async () => (await epochsDone(runId)) >= 1);
    const stopped = Date.now();
    expect(await first.stop("SIGTERM")).toBe(0);
    expect(Date.now() - stopped).toBeLessThan(15_000);
    expect((await db().run.findUniqueOrThrow({ where: { id: runId } })).status).toBe("queued");

    const second = await start();
    const run = await waitFor("the run to finish", () => db().run.findFirst({ where: { id: runId, status: { in: ["succeeded", "failed"] } } }));
    expect(run.status).toBe("succeeded");
    expect(run.attempts).toBe(1); // a shutdown is not a failed attempt
    expect(second.output()).toMatch(/resuming from the checkpoint/);
    expect(await lossSteps(runId)).toEqual(Array.from({ length: EPOCHS }, (_, i) => i + 1));
  });

  it("cancel stops a running run within seconds and it ends cancelled, not retried", async () => {
    await start();
    const runId = await submit("cancelled run");
    await waitFor("one epoch", async () => (await epochsDone(runId)) >= 1);
    const res = await cancelRoute(new Request(`http://lab.test/api/runs/${runId}/cancel`, { method: "POST" }), { params: Promise.resolve({ id: runId }) });
    expect(res.status).toBe(200);
    // The worker notices within its poll interval (2 s) plus one batch; give it a margin, then make sure it stopped.
    await new Promise((r) => setTimeout(r, 6_000));
    const after = await epochsDone(runId);
    await new Promise((r) => setTimeout(r, 3_000));
    expect(await epochsDone(runId)).toBe(after);
    expect(after).toBeLessThan(EPOCHS);
    const run = await db().run.findUniqueOrThrow({ where: { id: runId }, include: { stages: true } });
    expect(run.status).toBe("cancelled");
    expect(run.stages[0].status).toBe("pending");
    const again = await cancelRoute(new Request(`http://lab.test/api/runs/${runId}/cancel`, { method: "POST" }), { params: Promise.resolve({ id: runId }) });
    expect(again.status).toBe(409);
  });

  it("a dataset whose files are broken fails the run at once with a message naming the file, without retries", async () => {
    await start();
    const data = { name: "Broken IDX", kind: "idx", location: "/nonexistent/fashion", classes: ["a", "b"], trainCount: 10, testCount: 10, inputShape: [28, 28, 1] };
    await db().dataset.upsert({ where: { id: "broken" }, create: { id: "broken", ...data }, update: data });
    const input = CreateExperiment.parse({ name: "broken data", datasetId: "broken", architecture: "small-cnn" });
    const { runId } = await createExperiment(db(), input);
    const run = await waitFor("the run to fail", () => db().run.findFirst({ where: { id: runId, status: { in: ["succeeded", "failed"] } } }), 60_000);
    expect(run.status).toBe("failed");
    expect(run.error).toMatch(/\/nonexistent\/fashion/);
    expect(run.attempts).toBe(1);
    expect(await db().metricPoint.count({ where: { runId } })).toBe(0);
  });
});
