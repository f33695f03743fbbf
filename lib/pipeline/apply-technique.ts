// A compression stage: hand the input model to its technique (lib/compress) with the run's data and a
// context that reports progress and records curves, and collect the child runs it declares. The technique knows
// nothing of Prisma or BullMQ; this file knows no technique by name.
import type * as tf from "@tensorflow/tfjs";
import type { TrainingSetup } from "../ml/train";
import { techniqueByName, type AnalysisResult, type ChildRun, type StageResult } from "../compress";
import { preservationOf } from "../compress/preserve";
import type { PipelineStage } from "../schemas/pipeline";
import type { StageContext } from "./context";
import { stageCheckpoints } from "./checkpoint";
import { PermanentError } from "./permanent-error";
import { recordMetrics } from "./record";
import { loadRunModel } from "./run-model";
import { trainSettingsOf } from "./training-settings";
import { trainValSplit } from "./train-val-split";

/**
 * A technique's result — a new model, or only findings for a technique that keeps its input model (an analysis) —
 * and the child runs its technique declares from it (written by the stage runner).
 */
export type TechniqueOutput = (StageResult | AnalysisResult) & { childRuns?: ChildRun[] };

export async function applyTechnique(stage: PipelineStage, input: tf.LayersModel, baseline: tf.LayersModel, ctx: StageContext): Promise<TechniqueOutput> {
  const technique = techniqueByName(stage.technique);
  const params = technique.configSchema.parse(stage.params);
  // What submission checked (a pipeline queued before the check existed gets the same answer), then what only the
  // model can tell (a structure structured pruning cannot handle, a layer INT8 cannot export): fail the run now,
  // without retries, rather than after the stage's training.
  const problem = technique.checkBeforeQueue?.(params, { inputShape: ctx.data.train.shape, numClasses: ctx.data.classes.length }) ?? technique.check?.(input, params);
  if (problem) throw new PermanentError(`Stage ${ctx.stageIndex} (${stage.technique}) cannot apply to its input model: ${problem}`);
  const { train, val } = trainValSplit(ctx.data, ctx.training, ctx.seed);
  // What each training loop of the stage really trained with, recorded in the stage's details (the last loop is the
  // stage's main one: NAS trains its proxies first).
  const setups: TrainingSetup[] = [];
  const result = await technique.apply(input, params, {
    train, val,
    numClasses: ctx.data.classes.length,
    seed: ctx.seed,
    training: trainSettingsOf(ctx.training, ctx.data),
    checkpoints: stageCheckpoints(ctx.runId, ctx.stageIndex),
    onTrainingSetup: (s) => void setups.push(s),
    baseline,
    loadRunModel: (runId) => loadRunModel(ctx.db, runId, ctx.datasetId),
    architecture: ctx.architecture,
    inputShape: ctx.data.train.shape,
    signal: ctx.signal,
    onProgress: (p) => ctx.report(p),
    onEpochEnd: (epoch, metrics) => recordMetrics(ctx.db, ctx.runId, ctx.stageIndex, epoch, metrics),
    log: (line) => console.log(`[run ${ctx.runId}] stage ${ctx.stageIndex} (${stage.technique}): ${line}`),
  });
  const childRuns = technique.childRuns?.(result, params);
  // Every stage that makes a model says how much of its input's sparsity (and clustering) it kept: chaining stages
  // can silently undo an earlier one, and this is where that shows.
  const preserved = "model" in result ? { preserved: preservationOf(input, result.model) } : {};
  return {
    ...result,
    details: { ...result.details, ...(setups.length ? { training: setups.at(-1), trainingLoops: setups.length } : {}), ...preserved },
    ...(childRuns ? { childRuns } : {}),
  };
}
