// Training benchmark: bench-cnn on full Fashion-MNIST, Adam (lr 1e-3), batch 64. The last line printed is one
// JSON object: {"bench":"train","backend":…,"epochs":[{"imagesPerSec":…,"testAccuracy":…}],"imagesPerSec":<median>,
// "testAccuracy":<last>,"peakRssMb":…}.
// Options: --epochs N (default 1), --limit N (training images), --backend NAME (default LAB_BACKEND or auto),
//          --profile N (print a per-kernel time breakdown of N training steps to stderr), --seed N,
//          --model ARCH (another zoo model, e.g. mobilenet-v2 or resnet, to profile it; the bar is for bench-cnn).
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/ml/backend/index";
import { deferral } from "../../lib/ml/backend/kernels/util";
import { adam } from "../../lib/ml/backend/optimizers";
import { loadFashionMnist } from "../../lib/ml/data/fashion-mnist";
import type { ImageSplit } from "../../lib/ml/data/types";
import { Architecture } from "../../lib/ml/models/architecture";
import { buildModel } from "../../lib/ml/models/zoo";

const BATCH = 64;

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const epochs = Number(option("epochs") ?? 1);
const limit = option("limit") ? Number(option("limit")) : undefined;
const profileSteps = Number(option("profile") ?? 0);
const seed = Number(option("seed") ?? 1);

/** Deterministic shuffle (mulberry32) so runs on different backends see the same batches. */
function permutation(n: number, s: number): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  let state = s | 0;
  const rnd = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

/** The batch [from, to) of split in the order idx (or in file order) as float [0,1] images and one-hot labels. */
function batch(split: ImageSplit, from: number, to: number, numClasses: number, idx?: Int32Array) {
  const pixels = split.shape[0] * split.shape[1] * split.shape[2];
  const x = new Float32Array((to - from) * pixels);
  const y = new Float32Array((to - from) * numClasses);
  for (let b = 0; b < to - from; b++) {
    const i = idx ? idx[from + b] : from + b;
    const src = split.images.subarray(i * pixels, (i + 1) * pixels);
    for (let k = 0; k < pixels; k++) x[b * pixels + k] = src[k] / 255;
    y[b * numClasses + split.labels[i]] = 1;
  }
  return { x: tf.tensor4d(x, [to - from, ...split.shape]), y: tf.tensor2d(y, [to - from, numClasses]) };
}

function evaluate(model: tf.LayersModel, split: ImageSplit, numClasses: number): number {
  let correct = 0;
  for (let from = 0; from < split.count; from += 500) {
    const to = Math.min(split.count, from + 500);
    const { x, y } = batch(split, from, to, numClasses);
    const hits = tf.tidy(() => {
      const pred = (model.predict(x) as tf.Tensor).argMax(-1);
      return pred.equal(y.argMax(-1)).sum().dataSync()[0];
    });
    correct += hits;
    tf.dispose([x, y]);
  }
  return correct / split.count;
}

async function main() {
  const info = await setupBackend(option("backend"));
  const data = loadFashionMnist();
  const numClasses = data.classes.length;
  const train = data.train;
  const n = Math.min(limit ?? train.count, train.count);
  const model = buildModel(Architecture.parse(option("model") ?? "bench-cnn"), { inputShape: train.shape, numClasses, seed });
  const optimizer = adam(1e-3); // tf.train.adam, fused into one native kernel per variable on onednn
  // The fastest step: optimizer.minimize over model.apply(training) — no per-batch await, unlike trainOnBatch.
  const step = (x: tf.Tensor, y: tf.Tensor, wantLoss: boolean) => optimizer.minimize(() => {
    const logits = model.apply(x, { training: true }) as tf.Tensor;
    return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
  }, wantLoss);

  if (profileSteps > 0) await profile(step, train, numClasses);

  const results: { imagesPerSec: number; testAccuracy: number }[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    const order = permutation(train.count, seed * 1000 + epoch).subarray(0, n);
    const t0 = performance.now();
    let lastLoss = NaN;
    for (let from = 0; from + BATCH <= n; from += BATCH) { // drop the last partial batch
      const { x, y } = batch(train, from, from + BATCH, numClasses, order);
      const wantLoss = from % (BATCH * 100) === 0;
      const loss = step(x, y, wantLoss);
      if (loss) {
        lastLoss = loss.dataSync()[0];
        loss.dispose();
        if (from > 0) {
          const rate = from / ((performance.now() - t0) / 1000);
          console.error(`  ${from}/${n} images, ${rate.toFixed(0)} images/s, loss ${lastLoss.toFixed(3)}`);
        }
      }
      tf.dispose([x, y]);
    }
    const seconds = (performance.now() - t0) / 1000;
    const imagesPerSec = (Math.floor(n / BATCH) * BATCH) / seconds;
    const testAccuracy = evaluate(model, data.test, numClasses);
    results.push({ imagesPerSec: Math.round(imagesPerSec), testAccuracy });
    console.error(`epoch ${epoch + 1}: ${imagesPerSec.toFixed(0)} images/s, loss ${lastLoss.toFixed(3)}, ` +
      `test accuracy ${(testAccuracy * 100).toFixed(2)} %, ${tf.memory().numTensors} tensors`);
  }
  const sorted = results.map((r) => r.imagesPerSec).sort((a, b) => a - b);
  console.log(JSON.stringify({
    bench: "train", backend: info.name, ...(info.warning ? { warning: info.warning } : {}), epochs: results,
    imagesPerSec: sorted[Math.floor(sorted.length / 2)], testAccuracy: results[results.length - 1].testAccuracy,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  }));
}

/** Runs warm-up steps, then `profileSteps` steps under tf.profile, and prints ms per step by kernel. */
async function profile(step: (x: tf.Tensor, y: tf.Tensor, l: boolean) => tf.Scalar | null, train: ImageSplit,
  numClasses: number) {
  const { x, y } = batch(train, 0, BATCH, numClasses);
  for (let i = 0; i < 3; i++) step(x, y, false);
  const t0 = performance.now();
  deferral.enabled = false; // charge deferred input gradients to their own kernel, not to their first reader
  const info = await tf.profile(() => { for (let i = 0; i < profileSteps; i++) step(x, y, false); });
  deferral.enabled = true;
  const wall = (performance.now() - t0) / profileSteps;
  const t1 = performance.now();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < profileSteps; i++) step(x, y, false);
  const plain = (performance.now() - t1) / profileSteps;
  const cpu = process.cpuUsage(cpu0);
  // On a shared machine wall time depends on the neighbours; CPU time per step is a steadier figure (on an idle
  // machine a step's wall time lies between cpu/threads and cpu).
  const cpuMs = (cpu.user + cpu.system) / 1000 / profileSteps;
  const byKernel = new Map<string, { ms: number; calls: number }>();
  for (const k of info.kernels) {
    const key = `${k.name} ${JSON.stringify(k.inputShapes)}`;
    const e = byKernel.get(key) ?? { ms: 0, calls: 0 };
    e.ms += (await k.kernelTimeMs as number) / profileSteps;
    e.calls += 1 / profileSteps;
    byKernel.set(key, e);
  }
  const byName = new Map<string, { ms: number; calls: number }>();
  for (const [key, v] of byKernel) {
    const name = key.split(" ")[0];
    const e = byName.get(name) ?? { ms: 0, calls: 0 };
    e.ms += v.ms; e.calls += v.calls;
    byName.set(name, e);
  }
  const total = [...byName.values()].reduce((a, b) => a + b.ms, 0);
  console.error(`profile: ${plain.toFixed(1)} ms/step unprofiled (${(BATCH * 1000 / plain).toFixed(0)} images/s), ` +
    `${cpuMs.toFixed(1)} ms CPU/step, load average ${(await import("node:os")).loadavg()[0].toFixed(1)}, ` +
    `${wall.toFixed(1)} ms profiled, kernels ${total.toFixed(1)} ms, ${info.kernels.length / profileSteps} kernel calls/step`);
  for (const [name, v] of [...byName].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25)) {
    console.error(`  ${v.ms.toFixed(2).padStart(8)} ms  ${v.calls.toFixed(0).padStart(4)}x  ${name}`);
  }
  console.error("  top kernel+shape:");
  for (const [key, v] of [...byKernel].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25)) {
    console.error(`  ${v.ms.toFixed(2).padStart(8)} ms  ${v.calls.toFixed(0).padStart(4)}x  ${key}`);
  }
  tf.dispose([x, y]);
}

main().catch((e) => { console.error(e); process.exit(1); });
