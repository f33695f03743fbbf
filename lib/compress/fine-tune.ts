// The training loop the techniques share when they need their own loss or a hook after each step (pruning
// masks, distillation, clustering, QAT): mini-batches in a seeded order, an explicit variable list, progress,
// cancellation and a per-epoch summary. The plain baseline training stays in lib/ml/train.ts.
import * as tf from "@tensorflow/tfjs";
import type { ImageSplit } from "../ml/data/types";
import { permutation } from "../ml/random";
import { imageBatch, labelBatch } from "../ml/tensors";
import { learningRateAt } from "../ml/schedules";
import { setLearningRate, TrainingCancelled } from "../ml/train";
import type { TechniqueContext } from "./types";

export interface FineTuneOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  optimizer: "adam" | "sgd";
  /** The variables the optimizer updates. */
  variables: tf.Variable[];
  /** Loss and logits of one batch; runs under the gradient tape. */
  loss: (x: tf.Tensor4D, y: tf.Tensor1D) => { loss: tf.Scalar; logits: tf.Tensor2D };
  /** After each optimizer step (1-based count of steps done), e.g. to re-apply pruning masks. */
  afterStep?: (step: number) => void;
  /** Logits for validation (inference mode); accuracy on ctx.val is recorded per epoch. */
  predict: (x: tf.Tensor4D) => tf.Tensor2D;
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
}

export const stepsPerEpoch = (count: number, batchSize: number) => Math.ceil(count / batchSize);

export function makeOptimizer(kind: "adam" | "sgd", lr: number): tf.Optimizer {
  return kind === "sgd" ? tf.train.momentum(lr, 0.9) : tf.train.adam(lr);
}

/** Top-1 accuracy of `predict` on a split, batch by batch, with no tensors left behind. */
export function accuracyOn(predict: (x: tf.Tensor4D) => tf.Tensor2D, split: ImageSplit, batchSize = 256): number {
  let correct = 0;
  for (let s = 0; s < split.count; s += batchSize) {
    const e = Math.min(split.count, s + batchSize);
    const hits = tf.tidy(() => {
      const logits = predict(imageBatch(split, s, e));
      return tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labelBatch(split, s, e)), "float32"));
    });
    correct += hits.dataSync()[0];
    hits.dispose();
  }
  return split.count ? correct / split.count : 0;
}

export async function fineTune(ctx: TechniqueContext, opts: FineTuneOptions): Promise<{ steps: number; valAccuracy: number }> {
  const split = opts.train ?? ctx.train;
  const batches = stepsPerEpoch(split.count, opts.batchSize);
  const total = Math.min(opts.maxSteps ?? Infinity, opts.epochs * batches);
  const optimizer = makeOptimizer(opts.optimizer, opts.learningRate);
  // the run's learning-rate schedule spans this loop's steps, as it spans the baseline's (short fine-tuning with a
  // decaying rate recovers more accuracy than at a constant one)
  const schedule = ctx.training.schedule;
  const fraction = opts.stageFraction ?? ((f: number) => f);
  let step = 0;
  let valAccuracy = Number.NaN;
  try {
    for (let epoch = 1; epoch <= opts.epochs && step < total; epoch++) {
      const order = permutation(split.count, ctx.seed * 7919 + epoch + (opts.seedOffset ?? 0) * 104729);
      const started = performance.now();
      let lossSum = 0;
      let correctSum = 0;
      let seen = 0;
      for (let b = 0; b < batches && step < total; b++) {
        if (ctx.signal.aborted) throw new TrainingCancelled();
        if (schedule) setLearningRate(optimizer, learningRateAt(schedule, opts.learningRate, step, total, batches));
        const start = b * opts.batchSize;
        const end = Math.min(split.count, start + opts.batchSize);
        const [loss, correct] = tf.tidy(() => {
          const x = imageBatch(split, start, end, order);
          const y = labelBatch(split, start, end, order);
          let hits!: tf.Scalar;
          const value = optimizer.minimize(
            () => {
              const out = opts.loss(x, y);
              hits = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(out.logits, 1), y), "float32")));
              return out.loss;
            },
            true,
            opts.variables,
          ) as tf.Scalar;
          return [value, hits];
        });
        step++;
        opts.afterStep?.(step);
        const n = end - start;
        const lossValue = (await loss.data())[0];
        lossSum += lossValue * n;
        correctSum += (await correct.data())[0];
        tf.dispose([loss, correct]);
        seen += n;
        if (!Number.isFinite(lossValue)) throw new Error(`fine-tuning diverged: loss is ${lossValue} at step ${step}`);
        if (step % 20 === 0 || b === batches - 1) {
          await ctx.onProgress({
            phase: "training", epoch, epochs: opts.epochs, batch: b + 1, batches,
            loss: lossSum / seen, accuracy: correctSum / seen,
            imagesPerSec: seen / ((performance.now() - started) / 1000),
            stageFraction: fraction(step / total),
          });
        }
      }
      if (!opts.skipValidation && ctx.val.count) valAccuracy = accuracyOn(opts.predict, ctx.val);
      if (opts.record !== false)
        await ctx.onEpochEnd?.(epoch, {
        loss: lossSum / seen,
        accuracy: correctSum / seen,
        ...(Number.isNaN(valAccuracy) ? {} : { val_accuracy: valAccuracy }),
        images_per_sec: seen / ((performance.now() - started) / 1000),
        ...opts.epochMetrics?.(),
      });
    }
  } finally {
    optimizer.dispose();
  }
  return { steps: step, valAccuracy };
}

/** The trainable variables of a model (what train() would update), in layer order. */
export function trainableVariables(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}

/** The plain objective of a classifier: its trainable variables, cross-entropy on its training-mode logits, and its
 *  inference-mode predictions (the FineTuneOptions fields a technique without a loss of its own passes through). */
export function classifierObjective(model: tf.LayersModel, numClasses: number): Pick<FineTuneOptions, "variables" | "loss" | "predict"> {
  return {
    variables: trainableVariables(model),
    loss: (x, y) => {
      const logits = model.apply(x, { training: true }) as tf.Tensor2D;
      return { loss: crossEntropy(logits, y, numClasses), logits };
    },
    predict: (x) => model.predict(x) as tf.Tensor2D,
  };
}

/** Softmax cross-entropy on logits with integer labels (mean over the batch). */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D, numClasses: number): tf.Scalar {
  return tf.losses.softmaxCrossEntropy(tf.oneHot(labels, numClasses), logits) as tf.Scalar;
}
