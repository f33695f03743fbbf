// A cancel may land at any moment of a run; wherever it lands the run ends `cancelled` and stays so. The job
// runs in this process (the real processRun, database, Redis queue and onnxruntime-node) so that the cancel can
// be placed exactly: at a progress report (the worker notices at once, as its cancel watcher would), or right
// after a stage's row is written (the worker has not noticed yet: only the lifecycle's conditional moves stop it).
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerSyntheticDataset } from "../../test/fixtures";
import { artifactFile } from "../artifacts/store-artifact";
import { db, type Db } from "../db";
import { createExperiment } from "../experiments/create-experiment";
import { processRun, type JobContext, type RunOutcome } from "../pipeline/process-run";
import { closeQueue } from "../queue";
import { CreateExperiment } from "../schemas/experiment";
import type { RunProgress } from "../schemas/run";
import { cancelRun } from "./cancel-run";
import { moveRun, moveStage } from "./run-lifecycle";

type CancelPoint =
  | { name: string; kind: "before-start" }
  | { name: string; kind: "report"; when: (p: RunProgress) => boolean; abort: boolean }
  | { name: string; kind: "after-stage-succeeded"; stageIndex: number };

const atPhase = (stageIndex: number, phase: RunProgress["phase"]) => (p: RunProgress) => p.stageIndex === stageIndex && p.phase === phase;

// Two stages: a baseline and a pruned copy of it (the last stage, exported and measured like every stage).
const POINTS: CancelPoint[] = [
  { name: "before the job starts", kind: "before-start" },
  { name: "while the dataset loads", kind: "report", when: atPhase(0, "loading"), abort: true },
  { name: "during the baseline's training", kind: "report", when: atPhase(0, "training"), abort: true },
  { name: "during the baseline's export", kind: "report", when: atPhase(0, "exporting"), abort: true },
  { name: "during the baseline's measuring", kind: "report", when: atPhase(0, "measuring"), abort: true },
  { name: "between the stages", kind: "after-stage-succeeded", stageIndex: 0 },
  { name: "during the last stage's training", kind: "report", when: atPhase(1, "training"), abort: true },
  { name: "during the last stage's export", kind: "report", when: atPhase(1, "exporting"), abort: true },
  { name: "during the last stage's export, not yet noticed by the worker", kind: "report", when: atPhase(1, "exporting"), abort: false },
  { name: "during the last stage's measuring", kind: "report", when: atPhase(1, "measuring"), abort: true },
  { name: "after the last stage", kind: "after-stage-succeeded", stageIndex: 1 },
];

let seed = 100;
async function submit(name: string): Promise<string> {
  const input = CreateExperiment.parse({
    name, datasetId: "synthetic", architecture: "small-cnn", training: { epochs: 1, batchSize: 64 }, seed: seed++,
    pipeline: [{ technique: "baseline" }, { technique: "prune", params: { method: "unstructured", schedule: { kind: "constant", finalSparsity: 0.5 }, epochs: 1 } }],
  });
  return (await createExperiment(db(), input)).runId;
}

/** The database as the worker sees it, with a cancel fired right after stage `stageIndex` is written succeeded. */
function cancellingAfterStage(runId: string, stageIndex: number): Db {
  return db().$extends({
    query: {
      stage: {
        async updateMany({ args, query }) {
          const result = await query(args);
          if (args.where?.runId === runId && args.where?.index === stageIndex && args.data?.status === "succeeded" && result.count === 1) await cancelRun(db(), runId);
          return result;
        },
      },
    },
  }) as unknown as Db;
}

async function runWithCancel(point: CancelPoint): Promise<{ runId: string; outcome: RunOutcome }> {
  const runId = await submit(`cancel ${point.name}`);
  const controller = new AbortController();
  let cancelled = false;
  const job: JobContext = {
    attempt: 1, maxAttempts: 2, signal: controller.signal,
    report: async (p) => {
      if (point.kind !== "report" || cancelled || !point.when(p)) return;
      cancelled = true;
      await cancelRun(db(), runId);
      if (point.abort) controller.abort();
    },
  };
  if (point.kind === "before-start") await cancelRun(db(), runId);
  const workerDb = point.kind === "after-stage-succeeded" ? cancellingAfterStage(runId, point.stageIndex) : db();
  const outcome = await processRun(workerDb, runId, job);
  if (point.kind === "report") expect(cancelled, "the cancel point was reached").toBe(true);
  return { runId, outcome };
}

describe("a cancel landing at any point of a run", () => {
  beforeAll(async () => {
    await registerSyntheticDataset(db());
  });
  afterAll(async () => {
    await closeQueue();
    await db().$disconnect();
  });

  it.each(POINTS)("$name: ends cancelled and is never overwritten", async (point) => {
    const { runId, outcome } = await runWithCancel(point);
    expect(outcome).toBe(point.kind === "before-start" ? "skipped" : "cancelled");
    const run = await db().run.findUniqueOrThrow({ where: { id: runId }, include: { stages: true } });
    expect(run.status).toBe("cancelled");
    expect(run.finishedAt).not.toBeNull();
    expect(run.meetsRequirements).toBeNull();
    expect(run.stages.map((s) => s.status)).not.toContain("running");

    // The job delivered again (a retry, another worker) does nothing, and no later move applies.
    const again = await processRun(db(), runId, { attempt: 2, maxAttempts: 2, signal: new AbortController().signal, report: async () => {} });
    expect(again).toBe("skipped");
    for (const to of ["running", "queued", "succeeded", "failed"] as const) expect(await moveRun(db(), runId, to), `cancelled → ${to}`).toBe(false);
    expect(await moveStage(db(), runId, 0, "running"), "a stage cannot start in a cancelled run").toBe(false);
    expect((await db().run.findUniqueOrThrow({ where: { id: runId } })).status).toBe("cancelled");
  });

  it("without a cancel the same run succeeds with its verdict stored", async () => {
    const runId = await submit("not cancelled");
    const outcome = await processRun(db(), runId, { attempt: 1, maxAttempts: 1, signal: new AbortController().signal, report: async () => {} });
    expect(outcome).toBe("succeeded");
    const run = await db().run.findUniqueOrThrow({ where: { id: runId }, include: { stages: { orderBy: { index: "asc" } } } });
    expect(run.status).toBe("succeeded");
    expect(run.stages[0].verdict).toBeNull();
    const verdict = run.stages[1].verdict as { pass: boolean; checks: { requirement: string; limit: number }[] };
    expect(verdict.checks.map((c) => [c.requirement, c.limit])).toEqual([["maxAccuracyDrop", 0.05], ["minLatencyReduction", 0.4], ["minSizeReduction", 0.3]]);
    expect(run.meetsRequirements).toBe(verdict.pass);
    expect(run.shipStageIndex).toBe(verdict.pass ? 1 : null);
    // The last stage's model card carries the same verdict, and the run's.
    const card = await db().artifact.findFirstOrThrow({ where: { runId, stageIndex: 1, kind: "model-card" } });
    const json = JSON.parse(readFileSync(artifactFile(card.path), "utf8"));
    expect(json.requirements.stage).toEqual(verdict);
    expect(json.requirements.run).toEqual({ meetsRequirements: run.meetsRequirements, shipStageIndex: run.shipStageIndex, final: true });
  });
});
