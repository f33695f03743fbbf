// A sweep through the real route, queue, worker process and database: 3 sparsities × 2 student widths × 2
// seeds on the tiny synthetic dataset, run to the end; and the 400s of bad sweeps, which write nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST } from "../../app/api/sweeps/route";
import { GET } from "../../app/api/sweeps/[id]/route";
import { registerSyntheticDataset, startWorkerProcess, waitFor, type WorkerHandle } from "../../test/fixtures";
import { db } from "../db";
import { closeQueue, pipelineQueue } from "../queue";
import type { SweepSnapshot } from "../schemas/sweep";
import { earlyStopOf } from "./early-termination";

const post = (body: unknown) =>
  POST(new Request("http://lab.test/api/sweeps", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }));
const get = (id: string) => GET(new Request(`http://lab.test/api/sweeps/${id}`), { params: Promise.resolve({ id }) });

const SPARSITY = "pipeline.2.params.schedule.finalSparsity";
const WIDTH = "pipeline.1.params.width";
const base = {
  name: "sweep test",
  datasetId: "synthetic",
  architecture: "small-cnn",
  training: { epochs: 1, batchSize: 32, trainLimit: 256 },
  pipeline: [
    { technique: "baseline" },
    { technique: "distill", params: { student: "mobilenet-v2", width: 0.5, epochs: 1 } },
    { technique: "prune", params: { method: "unstructured", schedule: { kind: "constant" }, epochs: 1 } },
  ],
};
const sweep12 = { base, method: "grid", parameters: { [SPARSITY]: { values: [0.3, 0.5, 0.7] }, [WIDTH]: { values: [0.25, 0.5] } }, maxRuns: 12, seeds: [1, 2] };

/** Checks a stopped trial against the rule: at its stopping stage the runs it names beat it, with its seed. */
async function expectStoppedByRule(snapshot: SweepSnapshot, r: SweepSnapshot["runs"][number]) {
  expect(r.status).toBe("cancelled");
  expect(r.stoppedEarly, `run ${r.id} cancelled without a reason`).not.toBeNull();
  const at = r.stoppedEarly!.stageIndex;
  expect(at).toBeLessThan(r.stages - 1);
  const stageOf = async (runId: string) => {
    const s = await db().stage.findUniqueOrThrow({ where: { runId_index: { runId, index: at } } });
    return { runId, accuracy: s.accuracy, sizeBytes: s.sizeBytes, latencyMs: s.latencyP50Ms };
  };
  const winners = await Promise.all([r.stoppedEarly!.bySize, r.stoppedEarly!.byLatency].map(stageOf));
  expect(earlyStopOf(await stageOf(r.id), winners, snapshot.sweep.earlyTermination.accuracyMargin)).not.toBeNull();
  for (const w of [r.stoppedEarly!.bySize, r.stoppedEarly!.byLatency]) {
    expect(snapshot.runs.find((x) => x.id === w)).toMatchObject({ seed: r.seed, status: "succeeded" });
  }
  const stages = await db().stage.findMany({ where: { runId: r.id }, orderBy: { index: "asc" } });
  expect(stages.filter((s) => s.index > at).every((s) => s.status === "pending")).toBe(true);
}

async function waitForSweep(sweepId: string): Promise<SweepSnapshot> {
  return waitFor(
    "every run of the sweep to end",
    async () => {
      const s = (await (await get(sweepId)).json()) as SweepSnapshot;
      return s.runs.every((r) => ["succeeded", "failed", "cancelled"].includes(r.status)) && s;
    },
    900_000,
    2_000,
  );
}

async function counts() {
  return Promise.all([db().run.count(), db().experiment.count(), db().sweep.count()]);
}

describe("POST /api/sweeps", () => {
  beforeAll(async () => {
    await registerSyntheticDataset(db());
  });
  afterAll(async () => {
    await closeQueue();
    await db().$disconnect();
  });

  it("answers 400 naming the failing combination, and writes and queues nothing", async () => {
    const before = await counts();
    const waiting = (await pipelineQueue().getJobCounts("waiting")).waiting;
    const res = await post({ ...sweep12, parameters: { ...sweep12.parameters, [SPARSITY]: { values: [0.3, 1.5] } } });
    expect(res.status).toBe(400);
    const { error } = await res.json();
    // the grid's order: sparsity 0.3 × 2 widths × 2 seeds first, so 1.5 with width 0.25 and seed 1 is the 5th
    expect(error.message).toMatch(/^combination 5 of 8 \(pipeline\.2\.params\.schedule\.finalSparsity=1\.5, pipeline\.1\.params\.width=0\.25, seed 1\) is not a valid run — pipeline\.2\.params\.schedule\.finalSparsity: /);
    expect(error.issues[0].path).toEqual(["base", "pipeline", 2, "params", "schedule", "finalSparsity"]);
    expect(error.issues[0].combination).toEqual({ values: { [SPARSITY]: 1.5, [WIDTH]: 0.25 }, seed: 1 });
    expect(await counts()).toEqual(before);
    expect((await pipelineQueue().getJobCounts("waiting")).waiting).toBe(waiting);
  });

  it("answers 400 for a grid over maxRuns, a path outside the base, an experiment-level field; 422 for an unknown dataset", async () => {
    const before = await counts();
    const over = await post({ ...sweep12, maxRuns: 11 });
    expect(over.status).toBe(400);
    expect((await over.json()).error.message).toMatch(/6 combinations × 2 seeds = 12 runs, more than maxRuns 11/);
    const outside = await post({ ...sweep12, parameters: { "pipeline.7.params.epochs": { values: [1] } } });
    expect(outside.status).toBe(400);
    expect((await outside.json()).error.message).toMatch(/the base has no pipeline\.7/);
    const arch = await post({ ...sweep12, parameters: { architecture: { values: ["resnet"] } } });
    expect(arch.status).toBe(400);
    expect((await arch.json()).error.issues[0].path).toEqual(["parameters", "architecture"]);
    const dataset = await post({ ...sweep12, base: { ...base, datasetId: "nope" } });
    expect(dataset.status).toBe(422);
    expect((await dataset.json()).error.message).toMatch(/^combination 1 of 12 .*Unknown dataset "nope"/);
    expect((await get("no-such-sweep")).status).toBe(404);
    expect(await counts()).toEqual(before);
  });

  describe("with a worker", () => {
    let worker: WorkerHandle;
    beforeAll(async () => {
      worker = await startWorkerProcess({ WORKER_CONCURRENCY: "2" });
    });
    afterAll(async () => {
      await worker?.stop();
    });

    it("runs 3 sparsities × 2 widths × 2 seeds to the end: 12 runs of one experiment, grouped by seed, trials stopped early only by the rule", async () => {
      const res = await post(sweep12);
      expect(res.status).toBe(201);
      const { sweepId, experimentId, runIds } = await res.json();
      expect(runIds).toHaveLength(12);
      const runs = await db().run.findMany({ where: { id: { in: runIds } } });
      expect(new Set(runs.map((r) => r.experimentId))).toEqual(new Set([experimentId]));
      for (const id of runIds) expect((await pipelineQueue().getJob(id))?.data).toEqual({ runId: id });

      const snapshot = await waitForSweep(sweepId);
      expect(Object.keys(snapshot.sweep.parameters)).toEqual([SPARSITY, WIDTH]); // the request's order, on jsonb too
      expect(snapshot.runs.filter((r) => r.status === "failed"), worker.output().slice(-3000)).toEqual([]);
      expect(snapshot.runs).toHaveLength(12);
      const values = new Set(snapshot.runs.map((r) => `${r.values[SPARSITY]}/${r.values[WIDTH]}/${r.seed}`));
      expect(values.size).toBe(12);

      // Seed groups: 6 settings, each with its two seeds; mean ± sd over the succeeded runs.
      expect(snapshot.groups).toHaveLength(6);
      for (const g of snapshot.groups) {
        const members = snapshot.runs.filter((r) => g.runIds.includes(r.id));
        expect(members.map((r) => r.seed).sort()).toEqual([1, 2]);
        expect(new Set(members.map((r) => JSON.stringify(r.values))).size).toBe(1);
        const done = members.filter((r) => r.status === "succeeded").map((r) => r.accuracy!);
        if (done.length === 2) {
          expect(g.accuracy!.mean).toBeCloseTo((done[0] + done[1]) / 2, 10);
          expect(g.accuracy!.sd).toBeCloseTo(Math.abs(done[0] - done[1]) / Math.SQRT2, 10);
        }
      }

      // Every stopped trial was stopped by the rule: at its stopping stage a succeeded trial with its seed was
      // more accurate by the margin at no more size (and one at no more latency). Others ran every stage.
      for (const r of snapshot.runs) {
        if (r.status === "succeeded") expect(r.stagesDone).toBe(3);
        else await expectStoppedByRule(snapshot, r);
      }
      expect(snapshot.counts.succeeded).toBeGreaterThanOrEqual(2); // at least the first trial of each seed finishes
      const best = snapshot.runs.find((r) => r.id === snapshot.best.accuracy)!;
      expect(best.accuracy).toBe(Math.max(...snapshot.runs.filter((r) => r.status === "succeeded").map((r) => r.accuracy!)));
      console.log(`[sweep test] ${JSON.stringify(snapshot.counts)}; stopped: ${snapshot.runs.filter((r) => r.stoppedEarly).map((r) => r.stoppedEarly!.message).join(" | ")}`);
    }, 1_200_000);

    it("stops a trial that a finished one beats at its distillation stage: more accurate, smaller and faster", async () => {
      // Grid order with one worker slot: (good lr, width 0.25) finishes first; (no-learning lr 1e-7, width 1) is then
      // near chance after distillation and 4× wider — beaten at stage 1 on both fronts, so it stops there.
      await worker.stop();
      worker = await startWorkerProcess({ WORKER_CONCURRENCY: "1" });
      const LR = "pipeline.1.params.learningRate";
      const res = await post({
        base: { ...base, name: "early stop test", training: { ...base.training, trainLimit: 512 }, pipeline: [base.pipeline[0], { technique: "distill", params: { student: "mobilenet-v2", epochs: 3 } }, base.pipeline[2]] },
        method: "grid",
        parameters: { [LR]: { values: [0.003, 1e-7] }, [WIDTH]: { values: [0.25, 1] } },
        maxRuns: 4,
        seeds: [5],
      });
      expect(res.status).toBe(201);
      const snapshot = await waitForSweep((await res.json()).sweepId);
      expect(snapshot.runs.filter((r) => r.status === "failed"), worker.output().slice(-3000)).toEqual([]);
      const find = (lr: number, width: number) => snapshot.runs.find((r) => r.values[LR] === lr && r.values[WIDTH] === width)!;
      expect(find(0.003, 0.25).status).toBe("succeeded");
      const hopeless = find(1e-7, 1);
      expect(hopeless.stoppedEarly, JSON.stringify(snapshot.runs)).toMatchObject({ stageIndex: 1 });
      expect([find(0.003, 0.25).id, find(0.003, 1).id]).toContain(hopeless.stoppedEarly!.bySize); // the most accurate no larger (ties either)
      for (const r of snapshot.runs) if (r.status !== "succeeded") await expectStoppedByRule(snapshot, r);
      expect(snapshot.counts.stoppedEarly).toBeGreaterThanOrEqual(1);
      console.log(`[early stop test] ${snapshot.runs.map((r) => r.stoppedEarly?.message ?? `${r.values[LR]}/${r.values[WIDTH]} ${r.status} ${r.accuracy}`).join(" | ")}`);
    }, 900_000);
  });
});
