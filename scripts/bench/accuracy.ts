// Accuracy benchmark: how good a model the engine trains within a wall-time budget.
//   npx tsx scripts/bench/accuracy.ts --dataset fashion-mnist|cifar10 --arch resnet|mobilenet-v2 --minutes N
// Options: --depth N (ResNet blocks per stage, default 1 = ResNet-8), --width W (channel multiplier; MobileNetV2 default 0.5, ResNet 1), --batch N,
//          --limit N (training images), --backend NAME, --seed N, --optimizer adamw|sgd.
// The recipe: measure throughput on a few warm-up steps, plan as many optimiser steps as the budget allows, then a
// one-cycle schedule over exactly those steps (a schedule that finishes beats one cut short), AdamW with
// decoupled weight decay, and crop/flip augmentation only when there are enough epochs for it to pay off.
// The last line printed is one JSON object:
// {"bench":"accuracy","dataset":…,"arch":…,"backend":…,"epochs":…,"minutes":…,"imagesPerSec":…,"testAccuracy":…}
import * as tf from "@tensorflow/tfjs";
import { defaultAugmentation } from "../../lib/ml/augment";
import { setupBackend } from "../../lib/ml/backend/index";
import { loadFashionMnist } from "../../lib/ml/data/fashion-mnist";
import { loadDatasetAsync } from "../../lib/ml/data/load-dataset";
import { subset } from "../../lib/ml/data/subset";
import type { ImageSplit, LoadedDataset } from "../../lib/ml/data/types";
import { evaluate } from "../../lib/ml/evaluate";
import { Architecture } from "../../lib/ml/models/architecture";
import { buildModel } from "../../lib/ml/models/zoo";
import { train, type TrainOptions } from "../../lib/ml/train";
import { findCifar10Archive } from "../../lib/datasets/builtin";

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const datasetName = option("dataset") ?? "fashion-mnist";
const arch = Architecture.parse(option("arch") ?? "resnet");
const minutes = Number(option("minutes") ?? 15);
const seed = Number(option("seed") ?? 1);
const batchSize = Number(option("batch") ?? 128);
const limit = option("limit") ? Number(option("limit")) : undefined;
const depth = Number(option("depth") ?? 1);
const width = option("width") ? Number(option("width")) : undefined;
const optimizer = (option("optimizer") ?? "adamw") as TrainOptions["optimizer"];
/** Steps timed before planning the epochs (they also train: nothing is thrown away). */
const WARMUP_STEPS = 12;

async function loadData(): Promise<LoadedDataset> {
  if (datasetName === "fashion-mnist") return loadFashionMnist();
  if (datasetName === "cifar10") {
    const location = findCifar10Archive();
    if (!location) throw new Error("cifar10-jpeg.tar.gz not found (set CIFAR10_PATH or put it in ../shared/datasets)");
    return loadDatasetAsync({ id: "cifar10", kind: "image-folder", location, classes: [], inputShape: [32, 32, 3] });
  }
  throw new Error(`--dataset must be fashion-mnist or cifar10, got ${datasetName}`);
}

const noValidation = (s: ImageSplit): ImageSplit => ({ ...s, count: 0 });

async function main() {
  const started = performance.now();
  const budgetMs = minutes * 60_000;
  const backend = await setupBackend(option("backend"));
  const data = await loadData();
  const trainSplit = subset(data.train, limit, seed);
  const numClasses = data.classes.length;
  const model = buildModel(arch, { inputShape: trainSplit.shape, numClasses, seed, depth, width });
  const log = (s: string) => console.error(`[accuracy] ${s}`);
  log(`${datasetName} ${arch} (${model.countParams()} params), ${trainSplit.count} training images, backend ${backend.name}`);

  // Warm-up: a few steps at a low rate, timed after the first three (kernel set-up, allocations), to plan the epochs.
  const warmup = subset(trainSplit, WARMUP_STEPS * batchSize, seed + 1);
  let timedFrom = 0;
  const [w] = await train(model, warmup, noValidation(warmup), {
    epochs: 1, batchSize, learningRate: 1e-4, optimizer: "adam", seed, numClasses, reportEvery: 1,
    onProgress: (p) => { if (p.batch === 3) timedFrom = performance.now(); },
  });
  const imagesPerSec = Math.max(w.imagesPerSec, ((WARMUP_STEPS - 3) * batchSize) / ((performance.now() - timedFrom) / 1000));
  // Reserve time for the test evaluation (forward only, about 3× faster than a training step) and slack.
  const evalMs = (data.test.count / (imagesPerSec * 3)) * 1000;
  const leftMs = budgetMs - (performance.now() - started) - evalMs - 10_000;
  // As many steps as fit (a little slack for throughput noise); the last epoch may be partial.
  const steps = Math.max(1, Math.floor(((leftMs / 1000) * imagesPerSec * 0.95) / batchSize));
  const epochs = Math.ceil((steps * batchSize) / trainSplit.count);
  let stepsDone = 0;
  const augmentEnough = epochs >= (datasetName === "cifar10" ? 5 : 8);
  const opts: TrainOptions = {
    epochs, maxSteps: steps, batchSize, seed, numClasses, optimizer,
    afterStep: () => void stepsDone++,
    learningRate: optimizer === "sgd" ? 0.1 : 4e-3,
    weightDecay: optimizer === "sgd" ? 5e-4 : 0.05,
    nesterov: true,
    schedule: { kind: "one-cycle", pctStart: 0.25 },
    labelSmoothing: 0.1,
    augment: augmentEnough ? defaultAugmentation(data) : undefined,
    timeLimitMs: leftMs,
    reportEvery: 50,
    onProgress: (p) => {
      if (p.batch === p.batches || p.batch % 200 === 0) log(`epoch ${p.epoch}/${p.epochs} batch ${p.batch}/${p.batches} loss ${p.loss.toFixed(3)} acc ${p.accuracy.toFixed(3)} ${Math.round(p.imagesPerSec)} img/s lr ${p.learningRate?.toExponential(2)}`);
    },
  };
  log(`warm-up ${Math.round(imagesPerSec)} img/s → ${steps} steps (${((steps * batchSize) / trainSplit.count).toFixed(2)} epochs), augmentation ${augmentEnough ? JSON.stringify(opts.augment) : "off"}`);
  const summaries = await train(model, trainSplit, noValidation(trainSplit), opts);
  const trainedFor = (performance.now() - started) / 60_000;
  const evaluation = evaluate(model, data.test, numClasses);
  const result = {
    bench: "accuracy", dataset: datasetName, arch, backend: backend.name,
    epochs: Number(((stepsDone * batchSize) / trainSplit.count).toFixed(2)), minutes: Number(((performance.now() - started) / 60_000).toFixed(2)), trainMinutes: Number(trainedFor.toFixed(2)),
    params: model.countParams(), depth: arch === "resnet" ? depth : undefined, width: width ?? (arch === "mobilenet-v2" ? 0.5 : 1),
    imagesPerSec: Math.round(summaries.reduce((a, s) => a + s.imagesPerSec, 0) / summaries.length),
    testAccuracy: Number(evaluation.accuracy.toFixed(4)), top5: Number(evaluation.top5.toFixed(4)),
    stopped: summaries.at(-1)?.stopped ?? null,
  };
  model.dispose();
  log(`tensors left: ${tf.memory().numTensors}`);
  console.log(JSON.stringify(result));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
