// How a technique trains: a thin adapter from a technique's objective to the one training loop (lib/ml/train.ts).
// The run's settings (ctx.training: optimizer, momentum/nesterov, weight decay, schedule, label smoothing,
// augmentation) apply unless the stage overrides epochs or learning rate; progress, curves, cancellation and
// per-epoch checkpoints (ctx.checkpoints) go through the context.
import type * as tf from "@tensorflow/tfjs";
import type { ImageSplit } from "../ml/data/types";
import { crossEntropy, modelObjective, trainObjective, type ExtraState, type LossInput, type Objective } from "../ml/train";
import type { TechniqueContext } from "./types";

export { crossEntropy };

export interface FineTuneOptions extends Objective {
  /** Overrides of the run's settings (a stage's own epochs and learning rate). */
  epochs?: number;
  learningRate?: number;
  /** Replaces the cross-entropy with the run's label smoothing (distillation adds its teacher term here). */
  loss?: (input: LossInput) => tf.Scalar;
  /** After each optimizer step, with its 0-based step (`step + 1` steps are done), e.g. to re-apply pruning masks. */
  afterStep?: (step: number) => void;
  /** Extra per-epoch metrics (e.g. sparsity). */
  epochMetrics?: () => Record<string, number>;
  /** Maps this loop's progress (0..1) into the stage's fraction. */
  stageFraction?: (fraction: number) => number;
  /** Seed offset so two loops of one stage do not shuffle alike. */
  seedOffset?: number;
  /** Training split (default ctx.train). */
  train?: ImageSplit;
  /** Skip per-epoch validation (NAS proxies validate themselves). */
  skipValidation?: boolean;
  /** Stop after this many steps (fractional-epoch proxies). */
  maxSteps?: number;
  /** Report epochs through ctx.onEpochEnd (default true; NAS proxies do not). */
  record?: boolean;
  /** Checkpoint after each epoch under this key of the stage (and resume from it); none for short proxies. */
  checkpoint?: string;
  /** State beside the weights that the checkpoint keeps (pruning masks). */
  extraState?: ExtraState;
}

export const stepsPerEpoch = (count: number, batchSize: number) => Math.ceil(count / batchSize);

export async function fineTune(ctx: TechniqueContext, opts: FineTuneOptions): Promise<{ steps: number; valAccuracy: number }> {
  const split = opts.train ?? ctx.train;
  const fraction = opts.stageFraction ?? ((f: number) => f);
  let steps = 0;
  const summaries = await trainObjective(opts, split, opts.skipValidation ? { ...ctx.val, count: 0 } : ctx.val, {
    ...ctx.training,
    epochs: opts.epochs ?? ctx.training.epochs,
    learningRate: opts.learningRate ?? ctx.training.learningRate,
    maxSteps: opts.maxSteps,
    seed: ctx.seed + (opts.seedOffset ?? 0) * 104_729,
    numClasses: ctx.numClasses,
    loss: opts.loss,
    afterStep: (step) => {
      steps = step + 1;
      opts.afterStep?.(step);
    },
    signal: ctx.signal,
    checkpoint: opts.checkpoint && ctx.checkpoints ? { store: ctx.checkpoints, key: opts.checkpoint, extra: opts.extraState } : undefined,
    onSetup: (setup) => ctx.onTrainingSetup?.(setup),
    onResume: (epoch) => ctx.log(`resuming from the checkpoint of epoch ${epoch} (${opts.checkpoint})`),
    onProgress: (p) =>
      ctx.onProgress({
        phase: "training", epoch: p.epoch, epochs: p.epochs, batch: p.batch, batches: p.batches,
        loss: p.loss, accuracy: p.accuracy, imagesPerSec: p.imagesPerSec, stageFraction: fraction(p.step / p.totalSteps),
      }),
    onEpochEnd: async (e) => {
      if (opts.record === false) return;
      await ctx.onEpochEnd?.(e.epoch, {
        loss: e.loss, accuracy: e.accuracy,
        ...(Number.isNaN(e.valAccuracy) ? {} : { val_accuracy: e.valAccuracy }),
        images_per_sec: e.imagesPerSec,
        ...(e.learningRate !== undefined ? { learning_rate: e.learningRate } : {}),
        ...opts.epochMetrics?.(),
      });
    },
  });
  return { steps, valAccuracy: summaries.at(-1)?.valAccuracy ?? Number.NaN };
}

/** The trainable variables of a model (what train() would update), in layer order. */
export function trainableVariables(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}

/** The plain objective of a classifier (its trainable weights, BatchNorm state, training-mode logits, recalibrated
 *  BatchNorm at the end): the FineTuneOptions fields a technique without a loss of its own passes through. */
export const classifierObjective = (model: tf.LayersModel, _numClasses?: number): Objective => modelObjective(model);
