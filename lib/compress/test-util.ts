// Shared fixtures for the technique tests: tiny synthetic data, a context that records what it is told.
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../ml/backend";
import { syntheticDataset } from "../ml/data/synthetic";
import type { Architecture } from "../ml/models/architecture";
import { buildModel } from "../ml/models/zoo";
import type { TechniqueContext } from "./types";

export const data = syntheticDataset({ train: 256, test: 64, size: 16, classes: 4, seed: 3 });

export function tinyModel(arch: Architecture = "bench-cnn", seed = 1, width?: number): tf.LayersModel {
  return buildModel(arch, { inputShape: data.train.shape, numClasses: 4, seed, width });
}

export function testContext(baseline: tf.LayersModel, overrides: Partial<TechniqueContext> = {}) {
  const epochs: Record<string, number>[] = [];
  const lines: string[] = [];
  const ctx: TechniqueContext = {
    train: data.train,
    val: data.test,
    numClasses: 4,
    seed: 5,
    training: { epochs: 1, batchSize: 32, learningRate: 0.003, optimizer: "adam" },
    baseline,
    architecture: "bench-cnn",
    inputShape: data.train.shape,
    signal: new AbortController().signal,
    onProgress: async () => {},
    onEpochEnd: async (_e, m) => void epochs.push(m),
    log: (l) => void lines.push(l),
    ...overrides,
  };
  return { ctx, epochs, lines };
}

/** Tensors alive now, for leak checks around apply(). */
export const liveTensors = () => tf.memory().numTensors;

/** Number of weight tensors a model owns (what a returned model may add to the tensor count). */
export const weightTensors = (m: tf.LayersModel) => m.weights.length;

/**
 * The backend for these tests: wasm. It is the fastest here for the tiny tensors of unit tests (per-op overhead
 * dominates; measured ~4× faster than onednn and ~10× faster than cpu on a 16×16 MobileNet step).
 */
export async function testBackend(): Promise<void> {
  await setupBackend(process.env.LAB_TEST_BACKEND ?? "wasm");
}
