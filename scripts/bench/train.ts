// Training benchmark of the loop the worker runs: lib/ml/train.ts train() — the function the baseline stage calls —
// with the training settings a run submitted with the form's defaults gets (lib/pipeline/training-settings.ts:
// Adam lr 1e-3, batch 64, constant rate, no augmentation), its per-batch progress callback and cancellation signal,
// on Fashion-MNIST (all 60k training images unless --limit), for each model asked for. When python3 with torch is
// present, PyTorch is measured in the same run twice over (a reference, never a dependency):
//   - speed: torch_zoo.py on synthetic batches (same batch, optimizer and threads), alternating with ours round by
//     round, so the ratio compares two figures taken under the same load (the table is of these);
//   - accuracy: torch_accuracy.py trains the same networks (their parameter count is checked against ours) on the
//     same images the same way for the same epochs and reports accuracy on the whole 10k test split.
// The last line printed is one JSON object:
//   {"bench":"train","backend":…,"models":[{"model":"bench-cnn","imagesPerSec":…,"testAccuracy":…,
//     "torchImagesPerSec":…,"ratio":…,"torchTestAccuracy":…,"testAccuracyDiff":…,"params":…,"torchParams":…,
//     "rounds":[{"imagesPerSec":…,"torchImagesPerSec":…}]},…],"peakRssMb":…}
// imagesPerSec and torchImagesPerSec are medians over the rounds; ratio is the median of the per-round ratios;
// testAccuracy is ours after the last round, testAccuracyDiff = testAccuracy − torchTestAccuracy. params is our
// network's trainable parameter count, torchParams that of the network torch_zoo.py timed (its MobileNetV2 is not
// ours: the speed ratio of that model compares different networks, the accuracy comparison does not).
// Options: --models a,b (zoo architectures; default bench-cnn), --limit N (training images), --epochs N (default 1),
//          --rounds N (default 2), --backend NAME (default LAB_BACKEND or auto), --seed N, --no-torch,
//          --torch-init torch|lab (PyTorch's initialisation, default, or ours; see torch_accuracy.py),
//          --profile N (print a per-kernel time breakdown of N steps of train() per model to stderr).
import { spawnSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/ml/backend/index";
import { deferral, poolStats } from "../../lib/ml/backend/kernels/util";
import { env } from "../../lib/env";
import { loadFashionMnist } from "../../lib/ml/data/fashion-mnist";
import type { ImageSplit } from "../../lib/ml/data/types";
import { evaluate } from "../../lib/ml/evaluate";
import { Architecture } from "../../lib/ml/models/architecture";
import { buildModel } from "../../lib/ml/models/zoo";
import { train, type TrainOptions } from "../../lib/ml/train";
import { trainSettingsOf } from "../../lib/pipeline/training-settings";
import { TrainingConfig } from "../../lib/schemas/pipeline";

const BATCH = 64;
const THREADS = 2;
/** The names torch_zoo.py prints for our zoo's architectures (the same networks: its own "mobilenet-v2-0.5" is a
 *  smaller one, so ours is timed as "lab-mobilenet-v2-0.5", torch_accuracy.py's rebuild of our zoo's). */
const TORCH_NAMES: Partial<Record<Architecture, string>> = {
  "bench-cnn": "bench-cnn", "mobilenet-v2": "lab-mobilenet-v2-0.5", resnet: "resnet-20",
};

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const models = (option("models") ?? option("model") ?? "bench-cnn").split(",").map((m) => Architecture.parse(m.trim()));
const epochs = Number(option("epochs") ?? 1);
const rounds = Math.max(1, Number(option("rounds") ?? 2));
const limit = option("limit") ? Number(option("limit")) : undefined;
const profileSteps = Number(option("profile") ?? 0);
const seed = Number(option("seed") ?? 1);
const torchInit = option("torch-init") ?? "torch";
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const noVal: ImageSplit = { images: new Uint8Array(0), labels: new Uint8Array(0), count: 0, shape: [28, 28, 1] };

/** The first `n` examples of a split (the loop shuffles them itself). */
function head(split: ImageSplit, n: number): ImageSplit {
  const pixels = split.shape[0] * split.shape[1] * split.shape[2];
  return { ...split, count: n, images: split.images.subarray(0, n * pixels), labels: split.labels.subarray(0, n) };
}

/** The options the baseline stage (lib/pipeline/train-baseline.ts) passes for a run with the form's defaults (which
 *  send no augmentation setting: the schema's "off"), through the same conversion. */
function workerOptions(data: ReturnType<typeof loadFashionMnist>, extra: Partial<TrainOptions> = {}): TrainOptions {
  const controller = new AbortController();
  const settings = trainSettingsOf(TrainingConfig.parse({ epochs, batchSize: BATCH }), data);
  return {
    ...settings, seed, numClasses: data.classes.length, signal: controller.signal, reportEvery: 1,
    onProgress: (p) => { if (p.batch % 25 === 0) console.error(`    batch ${p.batch}/${p.batches}: ${p.imagesPerSec.toFixed(0)} images/s, loss ${p.loss.toFixed(3)}`); },
    ...extra,
  };
}

/** Trains a fresh model through train() and returns its images/s (wall time of the call) and test accuracy. */
async function ours(arch: Architecture, data: ReturnType<typeof loadFashionMnist>, split: ImageSplit) {
  // Warm-up, as torch_zoo.py's 10 untimed steps: oneDNN builds (JIT-compiles) each primitive on its first call.
  const warm = buildModel(arch, { inputShape: split.shape, numClasses: data.classes.length, seed });
  await train(warm, split, noVal, workerOptions(data, { maxSteps: 5, onProgress: () => {} }));
  warm.dispose();
  const model = buildModel(arch, { inputShape: split.shape, numClasses: data.classes.length, seed });
  const t0 = performance.now();
  const summaries = await train(model, split, noVal, workerOptions(data));
  const seconds = (performance.now() - t0) / 1000;
  const testAccuracy = evaluate(model, data.test, data.classes.length).accuracy;
  model.dispose();
  console.error(`  ${arch}: ${(split.count * summaries.length / seconds).toFixed(0)} images/s, test accuracy ` +
    `${(testAccuracy * 100).toFixed(2)} %, ${tf.memory().numTensors} tensors`);
  return { imagesPerSec: Math.round(split.count * summaries.length / seconds), testAccuracy };
}

/** A python3 that imports torch (Debian's python3-torch lives in /usr/bin/python3, which a pyenv may shadow). */
function torchPython(): string | undefined {
  if (process.argv.includes("--no-torch")) return undefined;
  return ["python3", "/usr/bin/python3"].find((p) => spawnSync(p, ["-c", "import torch"], { stdio: "ignore" }).status === 0);
}

/** The last line a reference script printed, as JSON, or undefined when it failed. */
function runReference<T>(python: string, script: string, args: string[]): T | undefined {
  const r = spawnSync(python, [path.join(path.dirname(fileURLToPath(import.meta.url)), script), ...args], { encoding: "utf8" });
  try {
    const result = JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "") as T;
    console.error(`  pytorch ${script}: ${JSON.stringify(result)}`);
    return result;
  } catch {
    console.error(`  pytorch ${script} failed (exit ${r.status}): ${r.stderr.trim().split("\n").at(-1)}`);
    return undefined;
  }
}

/** PyTorch's images/s (and "<name>-params") for every model of torch_zoo.py. */
const torch = (python: string, steps: number) => runReference<Record<string, number>>(python, "torch_zoo.py", [String(steps), String(THREADS)]);

interface TorchAccuracy { testAccuracy: number; trainAccuracy: number; params: number; seconds: number }

/** PyTorch trained on the same images as ours, the same way (torch_accuracy.py), keyed by our architecture names. */
function torchAccuracy(python: string, archs: Architecture[]): Partial<Record<Architecture, TorchAccuracy>> | undefined {
  const known = archs.filter((a) => TORCH_NAMES[a]);
  if (!known.length) return undefined;
  console.error(`pytorch accuracy: ${known.join(", ")}, ${epochs} epoch(s) on ${limit ?? "all"} training images (init ${torchInit})`);
  return runReference(python, "torch_accuracy.py", [
    "--data", path.join(env().DATA_DIR, "fashion-mnist"), "--models", known.join(","), "--epochs", String(epochs),
    "--seed", String(seed), "--threads", String(THREADS), "--init", torchInit, ...(limit ? ["--limit", String(limit)] : []),
  ]);
}

/** Our network's trainable parameter count: what PyTorch's sum(p.numel() for p in net.parameters()) counts. */
function trainableParams(arch: Architecture, split: ImageSplit, numClasses: number): number {
  const model = buildModel(arch, { inputShape: split.shape, numClasses, seed });
  const n = model.trainableWeights.reduce((sum, w) => sum + w.shape.reduce((p: number, d) => p * (d ?? 1), 1), 0);
  model.dispose();
  return n;
}

async function main() {
  const info = await setupBackend(option("backend"));
  const data = loadFashionMnist();
  const split = head(data.train, Math.min(limit ?? data.train.count, data.train.count));
  const python = torchPython();
  if (!python) console.error("no python3 with torch: no PyTorch reference");
  if (profileSteps > 0) for (const arch of models) await profile(arch, data, split);

  const perModel = new Map<Architecture, { imagesPerSec: number; testAccuracy: number; torchImagesPerSec?: number }[]>();
  const torchParams = new Map<Architecture, number>();
  for (let round = 1; round <= rounds; round++) {
    console.error(`round ${round}/${rounds}`);
    for (const arch of models) {
      const r = await ours(arch, data, split);
      perModel.set(arch, [...(perModel.get(arch) ?? []), r]);
    }
    // PyTorch right after ours, as many steps as we took, so both see the same neighbours.
    const ref = python ? torch(python, Math.max(20, Math.floor(split.count / BATCH) * epochs)) : undefined;
    for (const arch of models) {
      const name = TORCH_NAMES[arch];
      const last = perModel.get(arch)!.at(-1)!;
      if (ref && name && ref[name]) last.torchImagesPerSec = ref[name];
      if (ref && name && ref[`${name}-params`]) torchParams.set(arch, ref[`${name}-params`]);
    }
  }
  // After the timed rounds, so it does not load the machine while either side is timed.
  const accuracy = python ? torchAccuracy(python, models) : undefined;
  const results = models.map((model) => {
    const rs = perModel.get(model)!;
    const withTorch = rs.filter((r) => r.torchImagesPerSec);
    const testAccuracy = rs.at(-1)!.testAccuracy;
    const params = trainableParams(model, split, data.classes.length);
    const ref = accuracy?.[model];
    // An accuracy is only comparable on the same network: a different parameter count means a different one.
    if (ref && ref.params !== params) throw new Error(`torch_accuracy.py's ${model} has ${ref.params} parameters, ours ${params}: not the same network`);
    return {
      model,
      imagesPerSec: median(rs.map((r) => r.imagesPerSec)),
      testAccuracy,
      ...(withTorch.length ? {
        torchImagesPerSec: median(withTorch.map((r) => r.torchImagesPerSec!)),
        ratio: Math.round(median(withTorch.map((r) => r.imagesPerSec / r.torchImagesPerSec!)) * 1000) / 1000,
      } : {}),
      ...(ref ? { torchTestAccuracy: ref.testAccuracy, testAccuracyDiff: Math.round((testAccuracy - ref.testAccuracy) * 10_000) / 10_000 } : {}),
      params,
      ...(torchParams.has(model) ? { torchParams: torchParams.get(model) } : {}),
      rounds: rs.map(({ imagesPerSec, torchImagesPerSec }) => ({ imagesPerSec, torchImagesPerSec })),
    };
  });
  for (const r of results) {
    console.error(`${r.model}: ${r.imagesPerSec} images/s` +
      (r.ratio !== undefined ? `, PyTorch ${r.torchImagesPerSec} images/s, ratio ${r.ratio}` : "") +
      (r.torchParams !== undefined && r.torchParams !== r.params ? ` (PyTorch timed a different network: ${r.torchParams} parameters, ours ${r.params})` : "") +
      `; test accuracy ${(r.testAccuracy * 100).toFixed(2)} %` +
      (r.torchTestAccuracy !== undefined ? `, PyTorch ${(r.torchTestAccuracy * 100).toFixed(2)} %, difference ${(r.testAccuracyDiff! * 100).toFixed(2)} pp` : ""));
  }
  console.log(JSON.stringify({
    bench: "train", backend: info.name, ...(info.warning ? { warning: info.warning } : {}),
    images: split.count, epochs, batchSize: BATCH, threads: THREADS, loadAverage: os.loadavg()[0],
    ...(accuracy ? { torchInit } : {}),
    models: results, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  }));
}

/**
 * Runs up to `profileSteps` steps of train() under tf.profile (after a warm-up), then as many again unprofiled, and
 * prints ms per step by kernel. train() stops at the end of its epochs, so a split shorter than `profileSteps`
 * batches runs fewer steps: every figure is divided by the steps each run actually took (counted by afterStep).
 */
async function profile(arch: Architecture, data: ReturnType<typeof loadFashionMnist>, split: ImageSplit) {
  const model = buildModel(arch, { inputShape: split.shape, numClasses: data.classes.length, seed });
  const run = async (steps: number) => {
    let ran = 0;
    await train(model, split, noVal, workerOptions(data, { maxSteps: steps, onProgress: () => {}, afterStep: () => void ran++ }));
    return ran;
  };
  await run(3);
  deferral.enabled = false; // charge deferred input gradients to their own kernel, not to their first reader
  let profiledSteps = 0;
  const info = await tf.profile(async () => { profiledSteps = await run(profileSteps); });
  deferral.enabled = true;
  const t1 = performance.now();
  const cpu0 = process.cpuUsage();
  const pool0 = { ...poolStats };
  const plainSteps = await run(profileSteps);
  const plain = (performance.now() - t1) / plainSteps;
  const cpu = process.cpuUsage(cpu0);
  // On a shared machine wall time depends on the neighbours; CPU time per step is a steadier figure.
  const cpuMs = (cpu.user + cpu.system) / 1000 / plainSteps;
  if (profiledSteps < profileSteps) console.error(`profile ${arch}: train() ran ${profiledSteps} steps (all of ${epochs} epoch(s) of the split), not --profile ${profileSteps}: the figures are per step run`);
  const byName = new Map<string, { ms: number; calls: number }>();
  const byKernel = new Map<string, { ms: number; calls: number }>();
  for (const k of info.kernels) {
    // tf.profile also lists the ops that wrap kernels (names ending in __op): their time is their kernels'.
    if (k.name.endsWith("__op")) continue;
    const ms = (await k.kernelTimeMs as number) / profiledSteps;
    for (const [map, key] of [[byName, k.name], [byKernel, `${k.name} ${JSON.stringify(k.inputShapes)}`]] as const) {
      const e = map.get(key) ?? { ms: 0, calls: 0 };
      e.ms += ms; e.calls += 1 / profiledSteps;
      map.set(key, e);
    }
  }
  const total = [...byName.values()].reduce((a, b) => a + b.ms, 0);
  console.error(`profile ${arch}: ${plain.toFixed(1)} ms/step unprofiled (${(BATCH * 1000 / plain).toFixed(0)} images/s), ` +
    `${cpuMs.toFixed(1)} ms CPU/step, load average ${os.loadavg()[0].toFixed(1)}, kernels ${total.toFixed(1)} ms, ` +
    `${[...byName.values()].reduce((a, b) => a + b.calls, 0).toFixed(0)} kernel calls/step, output arrays per step: ` +
    `${((poolStats.reused - pool0.reused) / plainSteps).toFixed(0)} recycled, ${((poolStats.allocated - pool0.allocated) / plainSteps).toFixed(0)} allocated`);
  for (const [name, v] of [...byName].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25)) {
    console.error(`  ${v.ms.toFixed(2).padStart(8)} ms  ${v.calls.toFixed(0).padStart(4)}x  ${name}`);
  }
  console.error("  top kernel+shape:");
  for (const [key, v] of [...byKernel].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15)) {
    console.error(`  ${v.ms.toFixed(2).padStart(8)} ms  ${v.calls.toFixed(0).padStart(4)}x  ${key}`);
  }
  model.dispose();
}

main().catch((e) => { console.error(e); process.exit(1); });
