// The training loop: mini-batch gradient descent on logits with softmax cross-entropy, BatchNorm in training
// mode, a seeded shuffle per epoch, validation accuracy after each epoch, progress callbacks for the worker.
import * as tf from "@tensorflow/tfjs";
import type { ImageSplit } from "./data/types";
import { evaluate } from "./evaluate";
import { permutation } from "./random";
import { imageBatch, labelBatch } from "./tensors";

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  optimizer: "adam" | "sgd";
  seed: number;
  numClasses: number;
  /** Epochs already done (a resumed job starts after its last checkpoint). */
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
}

export interface EpochSummary {
  epoch: number;
  loss: number;
  accuracy: number;
  valAccuracy: number;
  imagesPerSec: number;
}

export class TrainingCancelled extends Error {
  constructor() {
    super("training cancelled");
    this.name = "TrainingCancelled";
  }
}

function makeOptimizer(kind: TrainOptions["optimizer"], lr: number): tf.Optimizer {
  return kind === "sgd" ? tf.train.momentum(lr, 0.9) : tf.train.adam(lr);
}

/** One optimisation step; returns [loss, correct predictions] as scalars the caller reads lazily. */
function trainStep(model: tf.LayersModel, optimizer: tf.Optimizer, x: tf.Tensor4D, y: tf.Tensor1D, numClasses: number): [tf.Scalar, tf.Scalar] {
  return tf.tidy(() => {
    let correct!: tf.Scalar;
    const loss = optimizer.minimize(() => {
      const logits = model.apply(x, { training: true }) as tf.Tensor2D;
      correct = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), y), "float32")) as tf.Scalar);
      return tf.losses.softmaxCrossEntropy(tf.oneHot(y, numClasses), logits) as tf.Scalar;
    }, true) as tf.Scalar;
    return [loss, correct];
  });
}

export async function train(model: tf.LayersModel, trainSplit: ImageSplit, valSplit: ImageSplit, opts: TrainOptions): Promise<EpochSummary[]> {
  const optimizer = makeOptimizer(opts.optimizer, opts.learningRate);
  const batches = Math.ceil(trainSplit.count / opts.batchSize);
  const reportEvery = opts.reportEvery ?? 20;
  const summaries: EpochSummary[] = [];
  try {
    for (let epoch = (opts.startEpoch ?? 0) + 1; epoch <= opts.epochs; epoch++) {
      const order = permutation(trainSplit.count, opts.seed * 7919 + epoch);
      const started = performance.now();
      let lossSum = 0;
      let correctSum = 0;
      let seen = 0;
      for (let b = 0; b < batches; b++) {
        if (opts.signal?.aborted) throw new TrainingCancelled();
        const start = b * opts.batchSize;
        const end = Math.min(trainSplit.count, start + opts.batchSize);
        const x = imageBatch(trainSplit, start, end, order);
        const y = labelBatch(trainSplit, start, end, order);
        const [loss, correct] = trainStep(model, optimizer, x, y, opts.numClasses);
        x.dispose();
        y.dispose();
        const n = end - start;
        lossSum += (await loss.data())[0] * n;
        correctSum += (await correct.data())[0];
        loss.dispose();
        correct.dispose();
        seen += n;
        if ((b + 1) % reportEvery === 0 || b === batches - 1) {
          await opts.onProgress?.({
            epoch, epochs: opts.epochs, batch: b + 1, batches,
            loss: lossSum / seen, accuracy: correctSum / seen,
            imagesPerSec: seen / ((performance.now() - started) / 1000),
          });
        }
      }
      const imagesPerSec = seen / ((performance.now() - started) / 1000);
      const valAccuracy = valSplit.count ? evaluate(model, valSplit, opts.numClasses).accuracy : Number.NaN;
      const summary = { epoch, loss: lossSum / seen, accuracy: correctSum / seen, valAccuracy, imagesPerSec };
      summaries.push(summary);
      await opts.onEpochEnd?.(summary);
    }
  } finally {
    optimizer.dispose();
  }
  return summaries;
}
