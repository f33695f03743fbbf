import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { syntheticDataset } from "./data/synthetic";
import { memoryCheckpointStore } from "./checkpoint-store";
import { train, TrainingCancelled, type TrainingSetup, type TrainOptions } from "./train";

const data = syntheticDataset({ train: 128, test: 64, size: 8, classes: 4 });
const base: TrainOptions = { epochs: 3, batchSize: 32, learningRate: 0.01, optimizer: "adam", seed: 1, numClasses: 4 };
/** A tiny conv + BatchNorm + dense model: the loop is under test here, not the zoo (and the cpu backend is slow). */
function model(): tf.LayersModel {
  const input = tf.input({ shape: data.train.shape });
  let x = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: "same", useBias: false, kernelInitializer: tf.initializers.heNormal({ seed: 1 }) }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({ momentum: 0.9 }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.reLU().apply(x) as tf.SymbolicTensor;
  x = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
  const logits = tf.layers.dense({ units: 4, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits });
}

beforeAll(async () => {
  await tf.setBackend("cpu"); // the reference backend; the native ones have their own suites
});

describe("train", () => {
  for (const optimizer of ["adam", "adamw", "sgd"] as const) {
    it(`learns the synthetic set with ${optimizer} and a one-cycle schedule`, async () => {
      const m = model();
      const lr = optimizer === "sgd" ? 0.1 : 0.01;
      const epochs = await train(m, data.train, data.test, { ...base, optimizer, learningRate: lr, weightDecay: 5e-4, schedule: { kind: "one-cycle" }, labelSmoothing: 0.1 });
      expect(epochs).toHaveLength(3);
      expect(epochs.at(-1)!.valAccuracy).toBeGreaterThan(0.9);
      expect(epochs.at(-1)!.learningRate).toBeLessThan(lr / 100);
      m.dispose();
    });
  }

  it("keeps the tensor count constant over 160 steps (augmentation, AdamW, early stopping with restore)", async () => {
    const m = model();
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    await train(m, data.train, data.test, {
      ...base, epochs: 5, batchSize: 4, optimizer: "adamw", reportEvery: 1, schedule: { kind: "cosine", warmupEpochs: 1 },
      augment: { cropPadding: 2, horizontalFlip: true }, earlyStopping: { patience: 10, restoreBest: true },
      onProgress: () => void counts.push(tf.memory().numTensors),
    });
    expect(counts.length).toBe(160);
    // After the first step has created the optimiser's moments, nothing accumulates: one best-weights
    // snapshot at most differs between steps.
    const steady = counts.slice(1);
    expect(Math.max(...steady) - Math.min(...steady)).toBeLessThanOrEqual(m.getWeights().length);
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
  });

  it("stops early when validation accuracy stops improving, and restores the best weights", async () => {
    const m = model();
    const epochs = await train(m, data.train, data.test, { ...base, epochs: 10, learningRate: 1e-9, earlyStopping: { patience: 2, restoreBest: true } });
    expect(epochs.length).toBe(3);
    expect(epochs.at(-1)!.stopped).toBe("early-stopping");
    m.dispose();
  });

  it("stops at the time limit, still evaluating the partial epoch", async () => {
    const m = model();
    const epochs = await train(m, data.train, data.test, { ...base, timeLimitMs: 0 });
    expect(epochs).toHaveLength(1);
    expect(epochs[0].stopped).toBe("time-limit");
    expect(epochs[0].valAccuracy).toBeGreaterThanOrEqual(0);
    m.dispose();
  });

  it("trains for exactly maxSteps steps, the schedule spanning them", async () => {
    const m = model();
    const steps: number[] = [];
    const epochs = await train(m, data.train, data.test, { ...base, epochs: 10, maxSteps: 6, schedule: { kind: "one-cycle" }, afterStep: (s) => void steps.push(s) });
    expect(steps).toEqual([0, 1, 2, 3, 4, 5]);
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(epochs[1].learningRate).toBeLessThan(1e-5);
    expect(epochs[1].stopped).toBeUndefined();
    m.dispose();
  });

  it("resumes after startEpoch and reports every epoch to onEpochEnd", async () => {
    const m = model();
    const seen: number[] = [];
    const epochs = await train(m, data.train, data.test, { ...base, startEpoch: 2, onEpochEnd: (e) => void seen.push(e.epoch) });
    expect(epochs.map((e) => e.epoch)).toEqual([3]);
    expect(seen).toEqual([3]);
    m.dispose();
  });

  it("throws TrainingCancelled when the signal aborts, leaking nothing", async () => {
    const m = model();
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    const run = train(m, data.train, data.test, { ...base, reportEvery: 1, signal: controller.signal, onProgress: () => controller.abort() });
    await expect(run).rejects.toBeInstanceOf(TrainingCancelled);
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
  });

  it("accepts a custom loss (distillation) and calls afterStep every step", async () => {
    const m = model();
    const steps: number[] = [];
    await train(m, data.train, data.test, {
      ...base, epochs: 1,
      loss: ({ logits, labels }) => tf.losses.softmaxCrossEntropy(tf.oneHot(labels, 4), logits) as tf.Scalar,
      afterStep: (s) => void steps.push(s),
    });
    expect(steps).toEqual([0, 1, 2, 3]);
    m.dispose();
  });
});

describe("train: checkpoints", () => {
  /** Trains `epochs` epochs, aborting after epoch `killAfter` (a dead worker), then resumes in a fresh loop. */
  async function interrupted(opts: TrainOptions, killAfter: number, store = memoryCheckpointStore()): Promise<Float32Array[]> {
    const m = model();
    const controller = new AbortController();
    const first = train(m, data.train, data.test, {
      ...opts, signal: controller.signal, checkpoint: { store, key: "train" },
      onEpochEnd: (e) => void (e.epoch === killAfter && controller.abort()),
    });
    await expect(first).rejects.toBeInstanceOf(TrainingCancelled);
    // The dead worker's process is gone: rebuild the model (different weights until the checkpoint is restored).
    m.dispose();
    const again = model();
    tf.tidy(() => again.setWeights(again.getWeights().map((w) => tf.randomNormal(w.shape))));
    const resumedFrom: number[] = [];
    const epochs = await train(again, data.train, data.test, { ...opts, checkpoint: { store, key: "train" }, onResume: (e) => void resumedFrom.push(e) });
    expect(resumedFrom).toEqual([killAfter]);
    expect(epochs.map((e) => e.epoch)).toEqual(Array.from({ length: opts.epochs - killAfter }, (_, i) => killAfter + 1 + i));
    const weights = again.getWeights().map((w) => w.dataSync() as Float32Array);
    again.dispose();
    return weights;
  }

  async function straight(opts: TrainOptions): Promise<Float32Array[]> {
    const m = model();
    await train(m, data.train, data.test, opts);
    const weights = m.getWeights().map((w) => w.dataSync() as Float32Array);
    m.dispose();
    return weights;
  }

  const maxDifference = (a: Float32Array[], b: Float32Array[]) => Math.max(...a.map((w, i) => Math.max(...w.map((v, j) => Math.abs(v - b[i][j])))));

  for (const optimizer of ["adamw", "sgd"] as const) {
    it(`a ${optimizer} run killed after an epoch resumes to the weights of an uninterrupted run (moments, step and schedule continue)`, async () => {
      const opts: TrainOptions = { ...base, epochs: 3, optimizer, momentum: 0.8, nesterov: true, weightDecay: 1e-3, schedule: { kind: "cosine" }, augment: { cropPadding: 1, horizontalFlip: true }, recalibrationImages: 64 };
      const reference = await straight(opts);
      const resumed = await interrupted(opts, 1);
      expect(maxDifference(reference, resumed)).toBeLessThan(1e-5);
    });
  }

  it("a resume without the optimizer's moments would differ (what the test above guards)", async () => {
    const opts: TrainOptions = { ...base, epochs: 3, schedule: { kind: "cosine" }, recalibrationImages: 64 };
    const reference = await straight(opts);
    const store = memoryCheckpointStore();
    const forgetful = { ...store, load: async (key: string) => {
      const s = await store.load(key);
      if (!s) return s;
      for (const k of Object.keys(s.tensors)) if (k.startsWith("opt/")) s.tensors[k] = tf.zerosLike(s.tensors[k]);
      return s;
    } };
    const resumed = await interrupted(opts, 1, forgetful);
    expect(maxDifference(reference, resumed)).toBeGreaterThan(1e-3);
  });

  it("reports the optimizer it built, with tfjs' own config", async () => {
    const m = model();
    let setup: TrainingSetup | undefined;
    await train(m, data.train, data.test, { ...base, epochs: 1, optimizer: "sgd", momentum: 0.7, nesterov: true, weightDecay: 0.002, labelSmoothing: 0.1, onSetup: (s) => (setup = s) });
    expect(setup).toMatchObject({ optimizer: "sgd", optimizerClass: "Momentum", optimizerConfig: { momentum: 0.7, useNesterov: true }, weightDecay: 0.002, decoupledWeightDecay: false, labelSmoothing: 0.1 });
    m.dispose();
  });
});
