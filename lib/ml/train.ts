// The one training loop, used by the baseline and by every technique (lib/compress/fine-tune.ts adapts it): mini-
// batch gradient descent with one optimizer factory (SGD with momentum/nesterov, Adam, AdamW), one loss (softmax
// cross-entropy with label smoothing) unless the caller brings its own, one seeded shuffle (and augmentation) per
// epoch, one 0-based step counter, a learning rate set every step from the schedule, weight decay, validation
// after each epoch with optional early stopping, a checkpoint after each epoch (weights, optimizer moments, step
// and the caller's extra state) that a resumed job continues from, and BatchNorm recalibration at the end.
// Techniques plug in through an Objective (what is trained, how logits are computed), a loss and a per-step hook.
import * as tf from "@tensorflow/tfjs";
import { augmentedImageBatch, isAugmenting, type Augmentation } from "./augment";
import { adam } from "./backend/optimizers";
import { useTrainingFastPaths, type FastPathOptions } from "./backend/training-fast-paths";
import type { ImageSplit } from "./data/types";
import type { CheckpointStore } from "./checkpoint-store";
import { accuracyOn } from "./evaluate";
import { permutation, seededRandom } from "./random";
import { recalibrateBatchNorm, RECALIBRATION_IMAGES } from "./recalibrate-batchnorm";
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
  /** Where the batch's examples are in the training split (what a loss with per-example values looks up). */
  indices: ArrayLike<number>;
}

/** The run's training settings, as every stage trains with them (a stage may override epochs and learning rate). */
export interface TrainSettings {
  epochs: number;
  batchSize: number;
  /** The base (peak, for one-cycle) learning rate. */
  learningRate: number;
  /** sgd = SGD with momentum; adamw = Adam with decoupled weight decay (Loshchilov & Hutter). */
  optimizer: OptimizerKind;
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
}

/** What a loop trains: the variables the optimizer updates and how a batch becomes logits. */
export interface Objective {
  variables: tf.Variable[];
  /** Training-mode logits of a batch; runs under the gradient tape. */
  logits: (x: tf.Tensor4D) => tf.Tensor2D;
  /** Inference-mode logits (validation). */
  predict: (x: tf.Tensor4D) => tf.Tensor2D;
  /** Variables that change without the optimizer (BatchNorm moving statistics, QAT ranges): checkpointed too. */
  state?: tf.Variable[];
  /** The model whose BatchNorm statistics are recalibrated after training (none: nothing to recalibrate). */
  model?: tf.LayersModel;
  /** The model whose layers train through the native fast paths while the loop runs (backend/training-fast-paths.ts). */
  fastPaths?: { model: tf.LayersModel } & FastPathOptions;
}

/** State a caller keeps beside the weights (pruning masks), saved with every checkpoint and restored on resume. */
export interface ExtraState {
  save(): { meta: Record<string, unknown>; tensors: tf.NamedTensorMap };
  /** The tensors are the caller's to keep or dispose. */
  restore(meta: Record<string, unknown>, tensors: tf.NamedTensorMap): void;
}

export interface TrainOptions extends TrainSettings {
  seed: number;
  numClasses: number;
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
  /**
   * Called after every optimiser step with its 0-based global step: the first step of training is step 0, so
   * `step + 1` steps are done when it is called (pruning re-applies its masks here).
   */
  afterStep?: (step: number) => void;
  /** Epochs already done (a resumed job starts after its last checkpoint; the schedule continues from there). */
  startEpoch?: number;
  /** Saves the loop's state under `key` after each epoch and resumes from it. */
  checkpoint?: { store: CheckpointStore; key: string; extra?: ExtraState };
  /** Training images forwarded to recalibrate BatchNorm after training (default 512; 0 = none). */
  recalibrationImages?: number;
  /** Told what the loop trains with (optimizer and its hyper-parameters as tfjs reports them), before the first step. */
  onSetup?: (setup: TrainingSetup) => void;
  /** Told the epoch a resumed loop starts after. */
  onResume?: (epochsDone: number) => void;
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
  /** Steps done, and all steps of this loop. */
  step: number;
  totalSteps: number;
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

/** What a loop trains with: the optimizer as tfjs configured it, and the loop's own regularisation. */
export interface TrainingSetup {
  optimizer: OptimizerKind;
  /** tfjs' class and config of the optimizer actually built (learningRate, momentum, useNesterov, beta1…). */
  optimizerClass: string;
  optimizerConfig: Record<string, unknown>;
  weightDecay: number;
  decoupledWeightDecay: boolean;
  labelSmoothing: number;
  schedule: LrSchedule;
  augment: Augmentation | null;
  epochs: number;
  batchSize: number;
  totalSteps: number;
}

/** The one optimizer factory: sgd = SGD with momentum (nesterov optional); adam and adamw share Adam's update. */
export function makeOptimizer(settings: Pick<TrainSettings, "optimizer" | "learningRate" | "momentum" | "nesterov">): tf.Optimizer {
  if (settings.optimizer === "sgd") return tf.train.momentum(settings.learningRate, settings.momentum ?? 0.9, settings.nesterov ?? false);
  // tf.train.adam's update in one native kernel per variable on onednn (~900 small ops a ResNet-20 step otherwise)
  return adam(settings.learningRate);
}

/** The weight decay a setting means: the given one, or AdamW's usual 0.01. */
export const weightDecayOf = (s: Pick<TrainSettings, "optimizer" | "weightDecay">) => s.weightDecay ?? (s.optimizer === "adamw" ? 0.01 : 0);

/** tfjs optimizers keep their rate in different places: SGD/momentum in a scalar via setLearningRate, Adam in a field. */
export function setLearningRate(optimizer: tf.Optimizer, lr: number): void {
  const o = optimizer as unknown as { setLearningRate?: (lr: number) => void; learningRate: number };
  if (typeof o.setLearningRate === "function") o.setLearningRate(lr);
  else o.learningRate = lr;
}

/** The plain objective of a model: its trainable weights, BatchNorm statistics as state, training-mode logits. */
export function modelObjective(model: tf.LayersModel): Objective {
  return {
    variables: model.trainableWeights.map((w) => w.read() as tf.Variable),
    state: model.nonTrainableWeights.map((w) => w.read() as tf.Variable),
    logits: (x) => model.apply(x, { training: true }) as tf.Tensor2D,
    predict: (x) => model.predict(x) as tf.Tensor2D,
    model,
    // model.apply: nothing sees a BatchNorm's output but its ReLU, so the two fuse
    fastPaths: { model, fuseActivations: true },
  };
}

/** The one loss: softmax cross-entropy on logits with integer labels, label smoothing optional (mean over the batch). */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D, numClasses: number, labelSmoothing = 0): tf.Scalar {
  return tf.losses.softmaxCrossEntropy(tf.oneHot(labels, numClasses), logits, undefined, labelSmoothing) as tf.Scalar;
}

/** Top-1 accuracy of `predict` on a split, batch by batch, with no tensors left behind. */
interface Decay {
  /** Added to the gradient (L2, as PyTorch's weight_decay for SGD and Adam). */
  l2: number;
  /** Shrinks the weights after the step (AdamW, Loshchilov & Hutter): w ← w·(1 − decoupled). */
  decoupled: number;
}

/**
 * One optimisation step — forward, backward, weight decay, update — and nothing else: the seam a native fast path
 * plugs into. Returns [loss, correct predictions] as scalars the caller reads and disposes.
 */
export function trainStep(
  objective: Objective, optimizer: tf.Optimizer, decayed: tf.Variable[], x: tf.Tensor4D, y: tf.Tensor1D,
  loss: (i: LossInput) => tf.Scalar, decay: Decay, indices: ArrayLike<number>,
): [tf.Scalar, tf.Scalar] {
  return tf.tidy(() => {
    let correct!: tf.Scalar;
    const { value, grads } = tf.variableGrads(() => {
      const logits = objective.logits(x);
      correct = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), y), "float32")) as tf.Scalar);
      return loss({ logits, labels: y, images: x, indices });
    }, objective.variables);
    if (decay.l2) for (const v of decayed) if (grads[v.name]) grads[v.name] = tf.add(grads[v.name], tf.mul(v, decay.l2));
    optimizer.applyGradients(grads);
    if (decay.decoupled) for (const v of decayed) v.assign(tf.mul(v, 1 - decay.decoupled));
    return [value, correct];
  });
}

/** Every variable a checkpoint holds, in a fixed order (trained ones, then state). */
const savedVariables = (o: Objective) => [...o.variables, ...(o.state ?? [])];

async function saveState(opts: TrainOptions, objective: Objective, optimizer: tf.Optimizer, meta: Record<string, unknown>): Promise<void> {
  const { store, key, extra } = opts.checkpoint!;
  const tensors: tf.NamedTensorMap = {};
  savedVariables(objective).forEach((v, i) => (tensors[`var/${i}`] = v));
  // getWeights() hands out the optimizer's own variables (iterations and moments, in variable order).
  const moments = await optimizer.getWeights();
  moments.forEach((w, i) => (tensors[`opt/${i}`] = w.tensor));
  const ext = extra?.save();
  for (const [name, t] of Object.entries(ext?.tensors ?? {})) tensors[`ext/${name}`] = t;
  try {
    await store.save(key, { ...meta, optimizerWeights: moments.map((w) => w.name), variables: savedVariables(objective).length, extra: ext?.meta ?? null }, tensors);
  } finally {
    // The iteration count comes as a fresh scalar; the moments are the optimizer's variables and stay.
    tf.dispose(moments.map((w) => w.tensor).filter((t) => !(t instanceof tf.Variable)));
  }
}

/** Puts a checkpoint back (weights, optimizer moments, extra state); returns its meta, or null when there is none. */
async function restoreState(opts: TrainOptions, objective: Objective, optimizer: tf.Optimizer): Promise<Record<string, unknown> | null> {
  const saved = await opts.checkpoint!.store.load(opts.checkpoint!.key);
  if (!saved) return null;
  const { meta, tensors } = saved;
  try {
    const vars = savedVariables(objective);
    if (meta.variables !== vars.length || vars.some((v, i) => !tensors[`var/${i}`] || !tf.util.arraysEqual(tensors[`var/${i}`].shape, v.shape))) {
      throw new Error(`checkpoint "${opts.checkpoint!.key}" does not fit the model being trained`);
    }
    vars.forEach((v, i) => v.assign(tensors[`var/${i}`]));
    const names = meta.optimizerWeights as string[];
    // setWeights makes its own variables from these tensors (tfjs matches moments to variables by order).
    await optimizer.setWeights(names.map((name, i) => ({ name, tensor: tensors[`opt/${i}`] })));
    if (opts.checkpoint!.extra) {
      const ext = Object.fromEntries(Object.entries(tensors).filter(([k]) => k.startsWith("ext/")).map(([k, t]) => [k.slice(4), t]));
      opts.checkpoint!.extra.restore(meta.extra as Record<string, unknown>, ext);
      for (const k of Object.keys(ext)) delete tensors[`ext/${k}`]; // now the extra state's
    }
    return meta;
  } finally {
    tf.dispose(Object.values(tensors));
  }
}

/** Trains a model (its trainable weights, cross-entropy unless `loss` replaces it) and recalibrates its BatchNorm. */
export function train(model: tf.LayersModel, trainSplit: ImageSplit, valSplit: ImageSplit, opts: TrainOptions): Promise<EpochSummary[]> {
  return trainObjective(modelObjective(model), trainSplit, valSplit, opts);
}

export async function trainObjective(objective: Objective, trainSplit: ImageSplit, valSplit: ImageSplit, opts: TrainOptions): Promise<EpochSummary[]> {
  const optimizer = makeOptimizer(opts);
  const decayed = objective.variables.filter((v) => v.rank >= 2); // kernels only: never biases or BatchNorm
  const batches = Math.ceil(trainSplit.count / opts.batchSize);
  const totalSteps = Math.min(batches * opts.epochs, opts.maxSteps ?? Infinity);
  const epochs = Math.min(opts.epochs, Math.ceil(totalSteps / batches));
  const reportEvery = opts.reportEvery ?? 20;
  const weightDecay = weightDecayOf(opts);
  const labelSmoothing = opts.labelSmoothing ?? 0;
  const loss = opts.loss ?? (({ logits, labels }: LossInput) => crossEntropy(logits, labels, opts.numClasses, labelSmoothing));
  const augment = isAugmenting(opts.augment) ? opts.augment : undefined;
  const deadline = opts.timeLimitMs !== undefined ? performance.now() + opts.timeLimitMs : Infinity;
  const summaries: EpochSummary[] = [];
  let best = { accuracy: -Infinity, epoch: 0, weights: undefined as tf.Tensor[] | undefined };
  opts.onSetup?.({
    optimizer: opts.optimizer, optimizerClass: optimizer.getClassName(), optimizerConfig: optimizer.getConfig() as Record<string, unknown>,
    weightDecay, decoupledWeightDecay: opts.optimizer === "adamw", labelSmoothing, schedule: opts.schedule ?? { kind: "constant" },
    augment: augment ?? null, epochs, batchSize: opts.batchSize, totalSteps,
  });
  const undoFastPaths = objective.fastPaths ? useTrainingFastPaths(objective.fastPaths.model, objective.fastPaths) : () => {};
  try {
    let startEpoch = opts.startEpoch ?? 0;
    const resumed = opts.checkpoint ? await restoreState(opts, objective, optimizer) : null;
    if (resumed) {
      startEpoch = resumed.epoch as number;
      // Early stopping keeps counting from the best epoch before the kill; that epoch's weights are not in the
      // checkpoint, so restoreBest can only go back to a best epoch reached after the resume.
      best = { accuracy: (resumed.bestAccuracy as number | null) ?? -Infinity, epoch: (resumed.bestEpoch as number) ?? 0, weights: undefined };
      opts.onResume?.(startEpoch);
    }
    const stoppedBefore = resumed?.stopped === true;
    for (let epoch = startEpoch + 1; epoch <= epochs && !stoppedBefore; epoch++) {
      // The shuffle and augmentation of an epoch depend on (seed, epoch) only, so a resumed epoch sees the same data.
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
          [lossValue, correct] = trainStep(objective, optimizer, decayed, x, y, loss, decay, order.subarray(start, end));
        } finally {
          x.dispose();
          y.dispose();
        }
        const n = end - start;
        const stepLoss = (await lossValue.data())[0];
        lossSum += stepLoss * n;
        correctSum += (await correct.data())[0];
        lossValue.dispose();
        correct.dispose();
        seen += n;
        if (!Number.isFinite(stepLoss)) throw new Error(`training diverged: the loss is ${stepLoss} at step ${step} (try a lower learning rate)`);
        opts.afterStep?.(step);
        outOfTime = performance.now() > deadline;
        if ((b + 1) % reportEvery === 0 || b === batches - 1 || outOfTime || step === totalSteps - 1) {
          await opts.onProgress?.({
            epoch, epochs, batch: b + 1, batches, step: step + 1, totalSteps,
            loss: lossSum / seen, accuracy: correctSum / seen,
            imagesPerSec: seen / ((performance.now() - started) / 1000), learningRate: lr,
          });
        }
        if (outOfTime) break;
      }
      const imagesPerSec = seen / ((performance.now() - started) / 1000);
      const valAccuracy = valSplit.count ? accuracyOn(objective.predict, valSplit) : Number.NaN;
      const summary: EpochSummary = { epoch, loss: lossSum / seen, accuracy: correctSum / seen, valAccuracy, imagesPerSec, learningRate: lr };

      let stop: EpochSummary["stopped"];
      if (opts.earlyStopping && valSplit.count) {
        if (valAccuracy > best.accuracy + (opts.earlyStopping.minDelta ?? 0)) {
          tf.dispose(best.weights);
          best = { accuracy: valAccuracy, epoch, weights: opts.earlyStopping.restoreBest ? savedVariables(objective).map((v) => v.clone()) : undefined };
        } else if (epoch - best.epoch >= opts.earlyStopping.patience && epoch < epochs) {
          stop = "early-stopping";
        }
      }
      if (outOfTime && epoch < epochs) stop ??= "time-limit";
      if (stop) summary.stopped = stop;
      if ((stop || epoch === epochs) && best.weights && best.epoch !== epoch) savedVariables(objective).forEach((v, i) => v.assign(best.weights![i]));
      summaries.push(summary);
      await opts.onEpochEnd?.(summary);
      // After the epoch's metrics are recorded (idempotent), so a worker dying in between repeats at most this epoch.
      if (opts.checkpoint) {
        await saveState(opts, objective, optimizer, { epoch, step: Math.min(totalSteps, epoch * batches), bestAccuracy: Number.isFinite(best.accuracy) ? best.accuracy : null, bestEpoch: best.epoch, stopped: !!stop });
      }
      if (stop) break;
    }
    // Moving statistics that lag the weights make a short run evaluate far below its training accuracy.
    if (objective.model && (opts.recalibrationImages ?? RECALIBRATION_IMAGES) > 0) {
      recalibrateBatchNorm(objective.model, trainSplit, { images: opts.recalibrationImages, batchSize: opts.batchSize, seed: opts.seed });
    }
  } finally {
    undoFastPaths();
    tf.dispose(best.weights);
    optimizer.dispose();
  }
  return summaries;
}
