import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST } from "../../app/api/experiments/route";
import { registerSyntheticDataset } from "../../test/fixtures";
import { db } from "../db";
import { closeQueue, pipelineQueue } from "../queue";

const post = (body: unknown) =>
  POST(new Request("http://lab.test/api/experiments", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }));

const valid = { name: "api test", datasetId: "synthetic", architecture: "small-cnn", training: { epochs: 1, trainLimit: 200 } };

describe("POST /api/experiments", () => {
  beforeAll(async () => {
    await registerSyntheticDataset(db());
  });
  afterAll(async () => {
    await pipelineQueue().obliterate({ force: true });
    await closeQueue();
    await db().$disconnect();
  });

  it("stores the experiment and a queued run, and queues exactly one job for it", async () => {
    const res = await post(valid);
    expect(res.status).toBe(201);
    const { runId, experimentId } = await res.json();
    const run = await db().run.findUniqueOrThrow({ where: { id: runId }, include: { stages: true } });
    expect(run.experimentId).toBe(experimentId);
    expect(run.status).toBe("queued");
    expect(run.stages.map((s) => s.technique)).toEqual(["baseline"]);
    const job = await pipelineQueue().getJob(runId);
    expect(job?.data).toEqual({ runId });
    // Enqueueing the same run again is a no-op: the job id is the run id. (Counted relative to before:
    // other test files share this queue prefix.)
    const waiting = (await pipelineQueue().getJobCounts("waiting")).waiting;
    await pipelineQueue().add("run", { runId }, { jobId: runId });
    expect((await pipelineQueue().getJobCounts("waiting")).waiting).toBe(waiting);
    await pipelineQueue().remove(runId);
  });

  it("answers 400 with field errors for a bad body and writes nothing", async () => {
    const before = await db().run.count();
    const res = await post({ name: "", datasetId: "synthetic", architecture: "vgg-19", training: { epochs: 0 } });
    expect(res.status).toBe(400);
    const { error } = await res.json();
    const paths = error.issues.map((i: { path: string[] }) => i.path.join("."));
    expect(paths).toEqual(expect.arrayContaining(["name", "architecture", "training.epochs"]));
    expect(await db().run.count()).toBe(before);
  });

  it("answers 422 for an unknown dataset and writes nothing", async () => {
    const before = await db().experiment.count();
    const res = await post({ ...valid, datasetId: "imagenet" });
    expect(res.status).toBe(422);
    expect(await db().experiment.count()).toBe(before);
  });

  it("answers 400 for a run teacher without its id, 422 for a teacher run that cannot teach, and writes nothing", async () => {
    const before = await db().experiment.count();
    const distill = (params: object) => post({ ...valid, pipeline: [{ technique: "baseline" }, { technique: "distill", params: { teacher: "run", ...params } }] });
    const missing = await distill({});
    expect(missing.status).toBe(400);
    expect((await missing.json()).error.issues.map((i: { path: unknown[] }) => i.path.join("."))).toContain("pipeline.1.params.teacherRunId");
    const unknown = await distill({ teacherRunId: "no-such-run" });
    expect(unknown.status).toBe(422);
    expect((await unknown.json()).error.message).toMatch(/teacher run no-such-run does not exist/);
    // a run that has not finished has no final model yet
    const queued = await post(valid);
    const { runId } = await queued.json();
    await pipelineQueue().remove(runId);
    const unfinished = await distill({ teacherRunId: runId });
    expect(unfinished.status).toBe(422);
    expect((await unfinished.json()).error.message).toMatch(/has not succeeded \(it is queued\)/);
    expect(await db().experiment.count()).toBe(before + 1);
  });

  it("answers 422 for a NAS budget no architecture of its space fits, naming the stage, and writes nothing; the smallest fits", async () => {
    const before = await db().experiment.count();
    const space = { widths: [0.35], depths: [1], kernels: [3], expansions: [2] };
    const nas = (max: number) => post({ ...valid, pipeline: [{ technique: "baseline" }, { technique: "nas", from: 0, params: { ...space, budget: { kind: "params", max } } }] });
    const tight = await nas(1000);
    expect(tight.status).toBe(422);
    const { error } = await tight.json();
    expect(error.message).toMatch(/Stage 1 \(nas\): no architecture of the search space fits the budget \(params ≤ 1000\): the smallest has \d+ params/);
    expect(error.issues.map((i: { path: unknown[] }) => i.path.join("."))).toEqual(["pipeline.1.params"]);
    expect(await db().experiment.count()).toBe(before);
    // The space has one architecture: a budget of exactly its size is accepted.
    const smallest = Number(/the smallest has (\d+) params/.exec(error.message)![1]);
    const fits = await nas(smallest);
    expect(fits.status).toBe(201);
    await pipelineQueue().remove((await fits.json()).runId);
  });
});
