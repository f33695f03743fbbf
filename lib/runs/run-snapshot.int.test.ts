// A finished run's snapshot is served from the process's cache, but never a stale one: a rename, new tags, a
// stage that ends after the run was cancelled, a run sent back to the queue, and a delete all show at once.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { registerSyntheticDataset } from "../../test/fixtures";
import { db } from "../db";
import { cachedSnapshotCount, runSnapshot } from "./run-snapshot";

let n = 0;
/** A run of two stages with a metric point and an artifact, created as the worker leaves them. */
async function createRun(status: string, stageStatuses: [string, string]) {
  const id = `snapcache-${Date.now()}-${n++}`;
  const finishedAt = status === "queued" || status === "running" ? null : new Date();
  await db().experiment.create({ data: { id: `${id}-exp`, name: "before rename", datasetId: "synthetic", baseArch: "small-cnn", tags: ["a"] } });
  await db().run.create({
    data: {
      id, experimentId: `${id}-exp`, status, pipeline: [{ technique: "baseline" }, { technique: "prune" }], training: {}, requirements: {}, seed: 1, finishedAt,
      stages: { create: stageStatuses.map((s, index) => ({ index, technique: index ? "prune" : "baseline", params: {}, status: s, accuracy: 0.5 + index / 10, finishedAt: s === "succeeded" ? new Date() : null })) },
      metrics: { create: [{ stageIndex: 0, name: "loss", step: 1, value: 0.7 }] },
      artifacts: { create: [{ stageIndex: 0, kind: "onnx-fp32", fileName: "m.onnx", path: "/server/only/m.onnx", bytes: 10, sha256: "0".repeat(64) }] },
    },
  });
  return id;
}

describe("runSnapshot's cache of finished runs", () => {
  beforeAll(() => registerSyntheticDataset(db()));
  afterAll(async () => {
    await db().experiment.deleteMany({ where: { id: { startsWith: "snapcache-" } } });
    await db().$disconnect();
  });
  let before: number;
  beforeEach(() => void (before = cachedSnapshotCount(db())));

  it("serves a finished run's stages from the cache, with no server path in it", async () => {
    const id = await createRun("succeeded", ["succeeded", "succeeded"]);
    const first = await runSnapshot(db(), id);
    expect(cachedSnapshotCount(db())).toBe(before + 1);
    const second = await runSnapshot(db(), id);
    expect(second.stages).toBe(first.stages); // the cached parts, not a new read
    expect(second).toEqual(first);
    expect(second.artifacts[0]).not.toHaveProperty("path");
    expect(second.experiment.dataset).not.toHaveProperty("location");
    expect(second.metrics.map((m) => m.value)).toEqual([0.7]);
  });

  it("shows a rename and new tags of a cached run's experiment at once", async () => {
    const id = await createRun("succeeded", ["succeeded", "succeeded"]);
    await runSnapshot(db(), id);
    await db().experiment.update({ where: { id: `${id}-exp` }, data: { name: "after rename", tags: ["a", "b"] } });
    const now = await runSnapshot(db(), id);
    expect(now.experiment.name).toBe("after rename");
    expect(now.experiment.tags).toEqual(["a", "b"]);
  });

  it("answers not found for a deleted run, and forgets it", async () => {
    const id = await createRun("failed", ["succeeded", "failed"]);
    await runSnapshot(db(), id);
    expect(cachedSnapshotCount(db())).toBe(before + 1);
    await db().experiment.delete({ where: { id: `${id}-exp` } }); // cascades to the run
    await expect(runSnapshot(db(), id)).rejects.toMatchObject({ code: "not_found" });
    expect(cachedSnapshotCount(db())).toBe(before);
  });

  it("does not cache a cancelled run whose stage is still running, and shows how that stage ends", async () => {
    const id = await createRun("cancelled", ["succeeded", "running"]);
    expect((await runSnapshot(db(), id)).stages[1].status).toBe("running");
    expect(cachedSnapshotCount(db())).toBe(before);
    // The worker notices the cancel at its next batch and hands the stage back (releaseRunningStages).
    await db().stage.updateMany({ where: { runId: id, index: 1 }, data: { status: "pending", accuracy: null } });
    const now = await runSnapshot(db(), id);
    expect(now.stages[1]).toMatchObject({ status: "pending", accuracy: null });
  });

  it("reads a cached run afresh once a stage of it moves (a run sent back to the queue)", async () => {
    const id = await createRun("failed", ["succeeded", "failed"]);
    await runSnapshot(db(), id);
    await db().$transaction([
      db().run.update({ where: { id }, data: { status: "queued", finishedAt: null } }),
      db().stage.updateMany({ where: { runId: id, index: 1 }, data: { status: "pending" } }),
    ]);
    expect((await runSnapshot(db(), id)).stages.map((s) => s.status)).toEqual(["succeeded", "pending"]);
    // …and a stage that finishes later on a finished run (its status and end move together).
    await db().$transaction([
      db().run.update({ where: { id }, data: { status: "succeeded", finishedAt: new Date() } }),
      db().stage.updateMany({ where: { runId: id, index: 1 }, data: { status: "succeeded", accuracy: 0.9, finishedAt: new Date() } }),
    ]);
    expect((await runSnapshot(db(), id)).stages[1]).toMatchObject({ status: "succeeded", accuracy: 0.9 });
  });
});
