// The training loop: mini-batch gradient descent on logits with softmax cross-entropy, BatchNorm in training
// mode, a seeded shuffle (and augmentation) per epoch, a learning rate set every step from a schedule, weight
// decay, validation accuracy after each epoch with optional early stopping, and progress callbacks for the
// worker. Every option added after the first version is optional, so existing callers keep working.
import * as tf from "@tensorflow/tfjs";
import { augmentedImageBatch, isAugmenting, type Augmentation } from "./augment";
import { adam } from "./backend/optimizers";
import type { ImageSplit } from "./data/types";
import { evaluate } from "./evaluate";
import { permutation, seededRandom } from "./random";
import { learningRateAt, type LrSchedule } from "./schedules";
import { imageBatch, labelBatch } from "./tensors";

export type OptimizerKind = "adam" | "adamw" | "sgd";

export interface EarlyStopping {
  /** Stop after this many epochs without a better validation accuracy. */
  patience: number;
  /** An improvement smaller than this (a fraction, 0.001 = 0.1 pp) does not count. */
  minDelta?: number;
  /** Put back the weights of the best epoch when training stops (early or not). */
  restoreBest?: boolean;
}

export interface LossInput {
  logits: tf.Tensor2D;
  labels: tf.Tensor1D;
  images: tf.Tensor4D;
}

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  /** The base (peak, for one-cycle) learning rate. */
  learningRate: number;
  /** sgd = SGD with momentum; adamw = Adam with decoupled weight decay (Loshchilov & Hutter). */
  optimizer: OptimizerKind;
  seed: number;
  numClasses: number;
  /** SGD momentum (default 0.9). */
  momentum?: number;
  /** Nesterov momentum for SGD. */
  nesterov?: boolean;
  /**
   * Weight decay on convolution and dense kernels (never on biases or BatchNorm). sgd and adam add it to the
   * gradient (L2, as PyTorch's weight_decay); adamw shrinks the weights directly. Default 0, or 0.01 for adamw.
   */
  weightDecay?: number;
  /** Learning-rate schedule, applied every step (default constant). */
  schedule?: LrSchedule;
  /** Label smoothing for the cross-entropy (0.1 is the usual choice). */
  labelSmoothing?: number;
  /** Random crop / flip while training; see defaultAugmentation() for what fits a dataset. */
  augment?: Augmentation;
  earlyStopping?: EarlyStopping;
  /**
   * Train for exactly this many optimiser steps (the schedule spans them; the last epoch may be partial).
   * Lets a time budget be filled with a schedule that still finishes. Default: every batch of every epoch.
   */
  maxSteps?: number;
  /** Stop after this much wall time (the epoch in progress ends early and is still evaluated). */
  timeLimitMs?: number;
  /** Replaces the cross-entropy (distillation adds a teacher term here). Must return a scalar. */
  loss?: (input: LossInput) => tf.Scalar;
  /** Called after every optimiser step with the 0-based global step (pruning re-applies its masks here). */
  afterStep?: (step: number) => void;
  /** Epochs already done (a resumed job starts after its last checkpoint; the schedule continues from there). */
  startEpoch?: number;
  signal?: AbortSignal;
  /** Called every `reportEvery` batches and at the end of each epoch. */
  onProgress?: (p: TrainProgress) => void | Promise<void>;
  /** Called after each epoch with its summary (the worker checkpoints and records metrics here). */
  onEpochEnd?: (e: EpochSummary) => void | Promise<void>;
  reportEvery?: number;
}

export interface TrainProgress {
  epoch: number; // 1-based
  epochs: number;
  batch: number;
  batches: number;
  loss: number;
  accuracy: number;
  imagesPerSec: number;
  learningRate?: number;
}

export interface EpochSummary {
  epoch: number;
  loss: number;
  accuracy: number;
  valAccuracy: number;
  imagesPerSec: number;
  /** The learning rate at the end of the epoch. */
  learningRate?: number;
  /** Set on the last epoch when training stopped before `epochs`. */
  stopped?: "early-stopping" | "time-limit";
}

export class TrainingCancelled extends Error {
  constructor() {
    super("training cancelled");
    this.name = "TrainingCancelled";
  }
}

function makeOptimizer(opts: TrainOptions): tf.Optimizer {
  if (opts.optimizer === "sgd") return tf.train.momentum(opts.learningRate, opts.momentum ?? 0.9, opts.nesterov ?? false);
  // tf.train.adam's update in one native kernel per variable on onednn (~900 small ops a ResNet-20 step otherwise)
  return adam(opts.learningRate);
}

/** tfjs optimizers keep their rate in different places: SGD/momentum in a scalar via setLearningRate, Adam in a field. */
export function setLearningRate(optimizer: tf.Optimizer, lr: number): void {
  const o = optimizer as unknown as { setLearningRate?: (lr: number) => void; learningRate: number };
  if (typeof o.setLearningRate === "function") o.setLearningRate(lr);
  else o.learningRate = lr;
}

interface Trainable {
  variables: tf.Variable[];
  /** Kernels of convolutions and dense layers: the weights weight decay applies to. */
  decayed: tf.Variable[];
}

function trainableOf(model: tf.LayersModel): Trainable {
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  return { variables, decayed: variables.filter((v) => v.rank >= 2) };
}

const crossEntropy = (numClasses: number, smoothing: number) => ({ logits, labels }: LossInput) =>
  tf.losses.softmaxCrossEntropy(tf.oneHot(labels, numClasses), logits, undefined, smoothing) as tf.Scalar;

/** One optimisation step; returns [loss, correct predictions] as scalars the caller reads and disposes. */
function trainStep(
  model: tf.LayersModel, optimizer: tf.Optimizer, vars: Trainable, x: tf.Tensor4D, y: tf.Tensor1D,
  loss: (i: LossInput) => tf.Scalar, decay: { l2: number; decoupled: number },
): [tf.Scalar, tf.Scalar] {
  return tf.tidy(() => {
    let correct!: tf.Scalar;
    const { value, grads } = tf.variableGrads(() => {
      const logits = model.apply(x, { training: true }) as tf.Tensor2D;
      correct = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), y), "float32")) as tf.Scalar);
      return loss({ logits, labels: y, images: x });
    }, vars.variables);
    if (decay.l2) for (const v of vars.decayed) if (grads[v.name]) grads[v.name] = tf.add(grads[v.name], tf.mul(v, decay.l2));
    optimizer.applyGradients(grads);
    // Decoupled decay (AdamW): w ← w·(1 − lr·wd), independent of the adaptive step.
    if (decay.decoupled) for (const v of vars.decayed) v.assign(tf.mul(v, 1 - decay.decoupled));
    return [value, correct];
  });
}

/** A copy of every weight (BatchNorm statistics included), for restoring the best epoch. */
function snapshot(model: tf.LayersModel): tf.Tensor[] {
  return model.getWeights().map((w) => w.clone());
}

export async function train(model: tf.LayersModel, trainSplit: ImageSplit, valSplit: ImageSplit, opts: TrainOptions): Promise<EpochSummary[]> {
  const optimizer = makeOptimizer(opts);
  const vars = trainableOf(model);
  const batches = Math.ceil(trainSplit.count / opts.batchSize);
  const totalSteps = Math.min(batches * opts.epochs, opts.maxSteps ?? Infinity);
  const epochs = Math.min(opts.epochs, Math.ceil(totalSteps / batches));
  const reportEvery = opts.reportEvery ?? 20;
  const weightDecay = opts.weightDecay ?? (opts.optimizer === "adamw" ? 0.01 : 0);
  const loss = opts.loss ?? crossEntropy(opts.numClasses, opts.labelSmoothing ?? 0);
  const augment = isAugmenting(opts.augment) ? opts.augment : undefined;
  const deadline = opts.timeLimitMs !== undefined ? performance.now() + opts.timeLimitMs : Infinity;
  const summaries: EpochSummary[] = [];
  let best = { accuracy: -Infinity, epoch: 0, weights: undefined as tf.Tensor[] | undefined };
  try {
    for (let epoch = (opts.startEpoch ?? 0) + 1; epoch <= epochs; epoch++) {
      const order = permutation(trainSplit.count, opts.seed * 7919 + epoch);
      const random = seededRandom(opts.seed * 104_729 + epoch);
      const started = performance.now();
      let lossSum = 0;
      let correctSum = 0;
      let seen = 0;
      let lr = opts.learningRate;
      let outOfTime = false;
      for (let b = 0; b < batches; b++) {
        if (opts.signal?.aborted) throw new TrainingCancelled();
        const step = (epoch - 1) * batches + b;
        if (step >= totalSteps) break;
        lr = learningRateAt(opts.schedule, opts.learningRate, step, totalSteps, batches);
        setLearningRate(optimizer, lr);
        const start = b * opts.batchSize;
        const end = Math.min(trainSplit.count, start + opts.batchSize);
        const x = augment ? augmentedImageBatch(trainSplit, start, end, order, augment, random) : imageBatch(trainSplit, start, end, order);
        const y = labelBatch(trainSplit, start, end, order);
        const decay = opts.optimizer === "adamw" ? { l2: 0, decoupled: lr * weightDecay } : { l2: weightDecay, decoupled: 0 };
        let lossValue: tf.Scalar;
        let correct: tf.Scalar;
        try {
          [lossValue, correct] = trainStep(model, optimizer, vars, x, y, loss, decay);
        } finally {
          x.dispose();
          y.dispose();
        }
        const n = end - start;
        lossSum += (await lossValue.data())[0] * n;
        correctSum += (await correct.data())[0];
        lossValue.dispose();
        correct.dispose();
        seen += n;
        opts.afterStep?.(step);
        outOfTime = performance.now() > deadline;
        if ((b + 1) % reportEvery === 0 || b === batches - 1 || outOfTime) {
          await opts.onProgress?.({
            epoch, epochs, batch: b + 1, batches,
            loss: lossSum / seen, accuracy: correctSum / seen,
            imagesPerSec: seen / ((performance.now() - started) / 1000), learningRate: lr,
          });
        }
        if (outOfTime) break;
      }
      const imagesPerSec = seen / ((performance.now() - started) / 1000);
      const valAccuracy = valSplit.count ? evaluate(model, valSplit, opts.numClasses).accuracy : Number.NaN;
      const summary: EpochSummary = { epoch, loss: lossSum / seen, accuracy: correctSum / seen, valAccuracy, imagesPerSec, learningRate: lr };

      let stop: EpochSummary["stopped"];
      if (opts.earlyStopping && valSplit.count) {
        if (valAccuracy > best.accuracy + (opts.earlyStopping.minDelta ?? 0)) {
          tf.dispose(best.weights);
          best = { accuracy: valAccuracy, epoch, weights: opts.earlyStopping.restoreBest ? snapshot(model) : undefined };
        } else if (epoch - best.epoch >= opts.earlyStopping.patience && epoch < epochs) {
          stop = "early-stopping";
        }
      }
      if (outOfTime && epoch < epochs) stop ??= "time-limit";
      if (stop) summary.stopped = stop;
      if ((stop || epoch === epochs) && best.weights && best.epoch !== epoch) model.setWeights(best.weights);
      summaries.push(summary);
      await opts.onEpochEnd?.(summary);
      if (stop) break;
    }
  } finally {
    tf.dispose(best.weights);
    optimizer.dispose();
  }
  return summaries;
}
