// A worker killed in the middle of a technique stage: another worker resumes that stage from its last checkpoint
// (repeating at most one epoch; NAS repeating no finished candidate), and the run completes once, without
// duplicate rows. (faults.int.test.ts does the same mid-baseline.)
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { registerSyntheticDataset, startWorkerProcess, waitFor, type WorkerHandle } from "../../test/fixtures";
import { db } from "../db";
import { createExperiment } from "../experiments/create-experiment";
import { closeQueue } from "../queue";
import { CreateExperiment } from "../schemas/experiment";

/** Short locks so a dead worker's job is handed on within seconds (production uses 30 s). */
const FAST_STALL = { WORKER_LOCK_MS: "3000" };
const workers: WorkerHandle[] = [];

async function start(): Promise<WorkerHandle> {
  const w = await startWorkerProcess(FAST_STALL);
  workers.push(w);
  return w;
}

const finished = (runId: string) =>
  waitFor("the run to finish", () => db().run.findFirst({ where: { id: runId, status: { in: ["succeeded", "failed"] } }, include: { stages: { orderBy: { index: "asc" } } } }), 300_000);
const lossSteps = async (runId: string, stageIndex: number) =>
  (await db().metricPoint.findMany({ where: { runId, stageIndex, name: "loss" }, orderBy: { step: "asc" } })).map((m) => m.step);

describe("a worker killed mid-stage", () => {
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

  it("mid-distill: the next worker resumes distillation after its last checkpointed epoch", async () => {
    const EPOCHS = 8;
    const first = await start();
    const input = CreateExperiment.parse({
      name: "killed mid-distill", datasetId: "synthetic", architecture: "small-cnn", training: { epochs: 1, batchSize: 8 }, seed: 21,
      pipeline: [{ technique: "baseline" }, { technique: "distill", params: { student: "small-cnn", epochs: EPOCHS } }],
    });
    const { runId } = await createExperiment(db(), input);
    await waitFor("two distillation epochs", async () => (await lossSteps(runId, 1)).length >= 2);
    await first.stop("SIGKILL");
    const before = (await lossSteps(runId, 1)).length;
    expect(before).toBeLessThan(EPOCHS);

    const second = await start();
    const run = await finished(runId);
    expect(run.error, second.output()).toBeNull();
    expect(run.status).toBe("succeeded");
    // The baseline was done: not trained again. The distill stage resumed from a checkpoint of epoch ≥ 2.
    expect(second.output()).not.toMatch(/stage 0: resuming/);
    const resumed = second.output().match(/stage 1 \(distill\): resuming from the checkpoint of epoch (\d+) \(distill\)/);
    expect(resumed, second.output()).not.toBeNull();
    expect(Number(resumed![1])).toBeGreaterThanOrEqual(2);
    expect(Number(resumed![1])).toBeGreaterThanOrEqual(before - 1); // at most one epoch repeated
    expect(await lossSteps(runId, 1)).toEqual(Array.from({ length: EPOCHS }, (_, i) => i + 1));
    expect(run.stages.map((s) => s.status)).toEqual(["succeeded", "succeeded"]);
    expect(await db().artifact.count({ where: { runId, kind: "onnx-fp32" } })).toBe(2);
  });

  it("mid-NAS: the next worker reuses every candidate rung already trained and trains only the rest", async () => {
    const first = await start();
    const input = CreateExperiment.parse({
      name: "killed mid-NAS", datasetId: "synthetic", architecture: "small-cnn", training: { epochs: 1, batchSize: 16 }, seed: 22,
      pipeline: [
        { technique: "baseline" },
        { technique: "nas", params: { candidates: 6, proxyImages: 256, proxyEpochs: 1, widths: [0.35, 0.5], depths: [1], kernels: [3, 5], expansions: [2, 4], budget: { kind: "params", max: 500_000 } } },
      ],
    });
    const { runId } = await createExperiment(db(), input);
    const trainedLines = (out: string) => [...out.matchAll(/nas: (\S+) rung (\d+) trained/g)].map((m) => `${m[1]}@${m[2]}`);
    await waitFor("two candidates trained", async () => trainedLines(first.output()).length >= 2, 300_000, 50);
    await first.stop("SIGKILL");
    const doneBefore = trainedLines(first.output());

    const second = await start();
    const run = await finished(runId);
    expect(run.error, second.output()).toBeNull();
    expect(run.status).toBe("succeeded");
    const restored = [...second.output().matchAll(/nas: (\S+) rung (\d+) restored from its checkpoint/g)].map((m) => `${m[1]}@${m[2]}`);
    const retrained = trainedLines(second.output());
    // every rung the dead worker finished is restored, none trained again
    for (const r of doneBefore) expect(restored, second.output()).toContain(r);
    for (const r of doneBefore) expect(retrained).not.toContain(r);
    expect(new Set([...restored, ...retrained]).size).toBe(restored.length + retrained.length);
    // one stage row per stage, one child run per sampled candidate, each architecture once
    expect(run.stages.map((s) => s.status)).toEqual(["succeeded", "succeeded"]);
    const details = run.stages[1].details as { sampled: number };
    const children = await db().run.findMany({ where: { parentRunId: runId }, include: { stages: true } });
    expect(children).toHaveLength(details.sampled);
    expect(new Set(children.map((c) => JSON.stringify(c.stages[0].params))).size).toBe(children.length);
    expect(await db().artifact.count({ where: { runId, kind: "onnx-fp32" } })).toBe(2);
  });
});
