// The job: run every stage of a run's pipeline in order, recording each. Stages are memoised — one that
// already succeeded (its row and its saved model exist) is not run again — so a retried job resumes.
import { existsSync } from "node:fs";
import type * as tf from "@tensorflow/tfjs";
import type { Db } from "../db";
import { setupBackend } from "../ml/backend";
import { loadDatasetAsync } from "../ml/data/load-dataset";
import { DatasetFormatError } from "../ml/data/idx";
import { subset } from "../ml/data/subset";
import { loadModel, saveModel } from "../ml/model-io";
import { OnnxVerificationError } from "../onnx/verify";
import { TrainingCancelled } from "../ml/train";
import { moveRun, moveStage, releaseRunningStages, runStatusOf } from "../runs/run-lifecycle";
import { judgeRun } from "../runs/requirements-verdict";
import { modelStageOf } from "../compress/schemas";
import { Pipeline, Requirements, sourceStageOf, TrainingConfig } from "../schemas/pipeline";
import type { RunProgress } from "../schemas/run";
import { dropCheckpoint, stageModelDir } from "./checkpoint";
import type { StageContext } from "./context";
import { applyTechnique, type TechniqueOutput } from "./apply-technique";
import { judgeMeasuredStage } from "./judge-stage";
import { measureStage, speedupColumns, stageDetails } from "./measure-stage";
import { PermanentError } from "./permanent-error";
import { recordChildRuns } from "./child-runs";
import { trainBaseline } from "./train-baseline";
import { refreshRunSummary } from "../runs/run-summary";

export interface JobContext {
  attempt: number; // 1-based
  maxAttempts: number;
  report: (p: RunProgress) => Promise<void>;
  signal: AbortSignal;
}

const isPermanent = (e: unknown) => e instanceof PermanentError || e instanceof DatasetFormatError || e instanceof OnnxVerificationError;

export function userMessageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export type RunOutcome = "succeeded" | "skipped" | "cancelled" | "interrupted";

/** The reason a worker's shutdown aborts a job with (a user's cancel aborts with any other). */
export const SHUTDOWN = "shutdown";

/** A lifecycle move was refused: someone else moved the run first — almost always a user's cancel. */
async function refusedOutcome(db: Db, runId: string): Promise<RunOutcome> {
  return (await runStatusOf(db, runId)) === "cancelled" ? "cancelled" : "skipped";
}

export async function processRun(db: Db, runId: string, job: JobContext): Promise<RunOutcome> {
  const run = await db.run.findUnique({ where: { id: runId }, include: { experiment: { include: { dataset: true } }, stages: true } });
  if (!run || run.status === "succeeded" || run.status === "cancelled") return "skipped";

  const backend = await setupBackend();
  const started = await moveRun(db, runId, "running", {
    startedAt: run.startedAt ?? new Date(), attempts: job.attempt, backend: backend.name, backendWarning: backend.warning ?? null, error: null,
  });
  if (!started) return refusedOutcome(db, runId); // cancelled (or ended) since it was read

  const pipeline = Pipeline.parse(run.pipeline);
  const training = TrainingConfig.parse(run.training);
  const requirements = Requirements.parse(run.requirements);
  // Every stage's model stays in memory (they are small): a stage may read any earlier one (`from`).
  const models = new Map<number, tf.LayersModel>();
  try {
    const dataset = run.experiment.dataset;
    await job.report({ stageIndex: 0, stages: pipeline.length, technique: pipeline[0].technique, phase: "loading", fraction: 0 });
    const data = await loadDatasetAsync({ ...dataset, classes: dataset.classes as string[] });
    const test = subset(data.test, training.testLimit, run.seed);
    const modelOf = async (stage: number): Promise<tf.LayersModel> => {
      const index = modelStageOf(pipeline, stage); // a stage that keeps its model hands on the one it read
      const cached = models.get(index);
      if (cached) return cached;
      const loaded = await loadModel(stageModelDir(runId, index)); // a resumed job: stage done by an earlier attempt
      models.set(index, loaded);
      return loaded;
    };
    for (const [stageIndex, stage] of pipeline.entries()) {
      const row = run.stages.find((s) => s.index === stageIndex);
      const savedDir = stageModelDir(runId, stageIndex);
      const ownModel = modelStageOf(pipeline, stageIndex) === stageIndex; // false for an analysis: it saves none
      if (row?.status === "succeeded" && (!ownModel || existsSync(savedDir))) continue;
      const report = async (p: Parameters<StageContext["report"]>[0]) => {
        const { stageFraction, ...rest } = p;
        const progress: RunProgress = { ...rest, stageIndex, stages: pipeline.length, technique: stage.technique, fraction: Math.min(1, (stageIndex + stageFraction) / pipeline.length) };
        await job.report(progress);
      };
      const ctx: StageContext = {
        db, runId, stageIndex, stages: pipeline.length, architecture: run.experiment.baseArch, data, datasetId: dataset.id, training,
        requirements, seed: run.seed, signal: job.signal, report,
      };
      const started = Date.now();
      if (!(await moveStage(db, runId, stageIndex, "running", { startedAt: new Date() }))) {
        if ((await runStatusOf(db, runId)) === "cancelled") return "cancelled";
        throw new PermanentError(`Stage ${stageIndex} cannot start: it is ${row?.status ?? "missing"} (a finished stage whose saved model is gone is not redone)`);
      }
      await refreshRunSummary(db, runId); // the runs table sorts and filters on Run's summary columns
      const output: TechniqueOutput =
        stage.technique === "baseline"
          ? await trainBaseline(ctx, stage.params)
          : await applyTechnique(stage, await modelOf(sourceStageOf(stage, stageIndex)), await modelOf(0), ctx);
      if (!("model" in output)) {
        // It kept its model (an analysis): nothing to export, measure or judge — its findings are the stage.
        if (output.childRuns) await recordChildRuns(db, run, stageIndex, stage, output.childRuns, backend.name);
        dropCheckpoint(runId, stageIndex);
        const done = await moveStage(db, runId, stageIndex, "succeeded", {
          finishedAt: new Date(), durationMs: Date.now() - started, details: JSON.parse(JSON.stringify(output.details)),
        });
        if (!done) return refusedOutcome(db, runId);
        await refreshRunSummary(db, runId);
        continue;
      }
      const m = await measureStage(ctx, output, stage.technique, stage.params, test);
      await saveModel(output.model, savedDir);
      models.set(stageIndex, output.model);
      dropCheckpoint(runId, stageIndex);
      const details = stageDetails(output, m);
      // Before the stage is marked done: a worker dying in between re-runs the stage, which rewrites them.
      if (output.childRuns) {
        await recordChildRuns(db, run, stageIndex, stage, output.childRuns, backend.name);
      }
      const verdict = await judgeMeasuredStage(db, runId, stageIndex, m, requirements);
      const done = await moveStage(db, runId, stageIndex, "succeeded", {
        ...(verdict ? { verdict } : {}), finishedAt: new Date(), durationMs: Date.now() - started,
        accuracy: m.evaluation.accuracy, top5: m.evaluation.top5, perClassAccuracy: m.evaluation.perClassAccuracy, confusionMatrix: m.evaluation.confusion,
        latencyP50Ms: m.latencyP50Ms, latencyP95Ms: m.latencyP95Ms, latencyThreads: 1, latencyP50Ms2t: m.latencyP50Ms2t, latencyP95Ms2t: m.latencyP95Ms2t,
        throughput: m.throughput, precision: output.precision, details, ...speedupColumns(m),
        sizeBytes: m.bytes, gzipBytes: m.gzipBytes, paramCount: m.stats.params, nonzeroParams: m.stats.nonzeroParams, macs: m.stats.macs, sparsity: m.stats.sparsity,
      });
      if (!done) return refusedOutcome(db, runId); // the stage was handed to another attempt meanwhile
      await refreshRunSummary(db, runId);
    }
    // The run's verdict, from the verdicts just stored: a run that misses its requirements still succeeded.
    const stages = await db.stage.findMany({ where: { runId } });
    const finished = await moveRun(db, runId, "succeeded", {
      ...judgeRun(stages), finishedAt: new Date(), progress: { stageIndex: pipeline.length - 1, stages: pipeline.length, technique: "done", phase: "done", fraction: 1 },
    });
    return finished ? "succeeded" : refusedOutcome(db, runId);
  } catch (e) {
    if (e instanceof TrainingCancelled && job.signal.reason === SHUTDOWN) {
      // Not a failure: the job goes back on the queue and resumes from the last checkpoint.
      await releaseRunningStages(db, runId, "pending");
      return (await moveRun(db, runId, "queued")) ? "interrupted" : refusedOutcome(db, runId);
    }
    if (e instanceof TrainingCancelled) {
      await moveRun(db, runId, "cancelled", { finishedAt: new Date() }); // usually cancelled already: that is what aborted it
      await releaseRunningStages(db, runId, "pending");
      return "cancelled";
    }
    const message = userMessageOf(e);
    const retry = !isPermanent(e) && job.attempt < job.maxAttempts;
    await releaseRunningStages(db, runId, retry ? "pending" : "failed");
    const moved = retry
      ? await moveRun(db, runId, "queued", { error: `Attempt ${job.attempt} of ${job.maxAttempts} failed (${message}); retrying.` })
      : await moveRun(db, runId, "failed", { error: message, finishedAt: new Date() });
    if (!moved) return refusedOutcome(db, runId); // cancelled meanwhile: stays cancelled, no retry
    if (retry) throw e;
    return "skipped";
  } finally {
    for (const m of models.values()) m.dispose();
  }
}
