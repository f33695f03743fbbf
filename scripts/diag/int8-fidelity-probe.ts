// Diagnostic: where do ORT INT8 and the tfjs simulation disagree on a weakly trained MobileNetV2 student?
//   npx tsx scripts/diag/int8-fidelity-probe.ts [--steps 300] [--width 0.35] [--images 1000] [--backend onednn]
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/ml/backend";
import { loadFashionMnist } from "../../lib/ml/data/fashion-mnist";
import { subset } from "../../lib/ml/data/subset";
import { buildModel } from "../../lib/ml/models/zoo";
import { train } from "../../lib/ml/train";
import { splitAsFloat } from "../../lib/ml/tensors";
import { foldBatchNorm } from "../../lib/compress/model-graph";
import { calibrationImages, snapKernels } from "../../lib/compress/quantize";
import { calibrate } from "../../lib/onnx/calibrate";
import { exportOnnxWithPlan } from "../../lib/onnx/export";
import { simulateInt8 } from "../../lib/onnx/quantize-simulate";
import { runOnnx } from "../../lib/onnx/session";

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main() {
  console.error(await setupBackend(option("backend")));
  const steps = Number(option("steps") ?? 300);
  const width = Number(option("width") ?? 0.35);
  const data = loadFashionMnist("/usr/share/datasets/fashion-mnist");
  const tr = subset(data.train, steps * 32, 1);
  const val = subset(data.test, 200, 2);
  const raw = buildModel("mobilenet-v2", { inputShape: [28, 28, 1], numClasses: 10, width, seed: 3 });
  const t0 = Date.now();
  await train(raw, tr, val, { epochs: 1, batchSize: 32, learningRate: 0.01, optimizer: "adam", seed: 1, numClasses: 10, maxSteps: steps });
  console.error(`trained ${steps} steps in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  const { model } = await foldBatchNorm(raw);
  snapKernels(model);
  const quantization = await calibrate(model, calibrationImages(data.train, 256, 5), { method: "minmax" });
  const { bytes, plan } = exportOnnxWithPlan(model, { precision: "int8", quantization });
  const n = Number(option("images") ?? 1000);
  const { images, shape } = splitAsFloat(data.test, n);
  const sim = simulateInt8(model, plan!, images, shape);
  const { output: ort } = await runOnnx(bytes, images, shape);
  const fp = tf.tidy(() => (model.predict(tf.tensor4d(images, shape)) as tf.Tensor).dataSync() as Float32Array);
  const K = 10;
  const rows: { i: number; margin: number; maxDiff: number; agree: boolean; fpMargin: number }[] = [];
  for (let i = 0; i < n; i++) {
    const s = sim.subarray(i * K, i * K + K), o = ort.subarray(i * K, i * K + K);
    const order = [...s.keys()].sort((a, b) => s[b] - s[a]);
    let maxDiff = 0;
    for (let j = 0; j < K; j++) maxDiff = Math.max(maxDiff, Math.abs(s[j] - o[j]));
    const ot = [...o.keys()].reduce((a, b) => (o[b] > o[a] ? b : a), 0);
    const f = fp.subarray(i * K, i * K + K); const fo = [...f].sort((a, b) => b - a);
    rows.push({ i, margin: s[order[0]] - s[order[1]], maxDiff, agree: ot === order[0], fpMargin: fo[0] - fo[1] });
  }
  const dis = rows.filter((r) => !r.agree);
  const diffs = rows.map((r) => r.maxDiff).sort((a, b) => a - b);
  const q = (p: number) => diffs[Math.min(diffs.length - 1, Math.floor(p * diffs.length))];
  const logitScale = plan!.activations.get(model.layers.at(-1)!.name);
  console.log(JSON.stringify({ n, agreement: 1 - dis.length / n, disagreements: dis.length, maxDiff: { p50: q(0.5), p90: q(0.9), p99: q(0.99), max: diffs.at(-1) },
    logitQ: logitScale, medianMargin: rows.map((r) => r.margin).sort((a, b) => a - b)[n >> 1],
    disagreeing: dis.map((r) => ({ i: r.i, margin: +r.margin.toFixed(4), maxDiff: +r.maxDiff.toFixed(4), fpMargin: +r.fpMargin.toFixed(4) })) }, null, 1));
  console.log("last layers", model.layers.slice(-4).map((l) => `${l.name}:${l.getClassName()}`), [...plan!.activations.keys()].slice(-5));
}
main();
