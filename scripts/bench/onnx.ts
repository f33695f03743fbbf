// ONNX benchmark: trains bench-cnn and MobileNetV2 (width 0.5) on Fashion-MNIST, exports each as FP32 and INT8
// (QDQ, minmax calibration on training images), verifies FP32 against tfjs, scores both in onnxruntime-node
// on the test split and measures batch-1 latency (≥ 200 runs, 1 and 2 intra-op threads). Files are kept under
// artifacts/bench/onnx/. The last line printed is one JSON object:
// {"bench":"onnx","models":[{"model":…,"precision":"fp32"|"int8","path":…,"bytes":…,"testAccuracy":…,
//   "p50Ms1t":…,"p95Ms1t":…,"p50Ms2t":…, …}]}
// Options: --epochs N (default 2), --limit N (training images, default 20000), --test N (test images, default all),
//          --calib N (calibration images, default 512), --runs N (latency runs, default 300), --seed N,
//          --models bench-cnn,mobilenet-v2 (default both), --mnv2-limit N / --mnv2-epochs N (MobileNetV2 trains far
//          slower on the current backend: defaults 6000 images, 1 epoch).
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/ml/backend/index";
import { loadFashionMnist } from "../../lib/ml/data/fashion-mnist";
import { subset } from "../../lib/ml/data/subset";
import { buildModel } from "../../lib/ml/models/zoo";
import { splitAsFloat } from "../../lib/ml/tensors";
import { train } from "../../lib/ml/train";
import { calibrate } from "../../lib/onnx/calibrate";
import { checkOnnx, findOnnxPython } from "../../lib/onnx/checker";
import { exportOnnx } from "../../lib/onnx/export";
import { evaluateOnnx, measureLatency, measureThroughput } from "../../lib/onnx/session";
import { sizeOf } from "../../lib/onnx/size";
import { verifyOnnx } from "../../lib/onnx/verify";

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const epochs = Number(option("epochs") ?? 2);
const limit = Number(option("limit") ?? 20000);
const testLimit = option("test") ? Number(option("test")) : undefined;
const calibCount = Number(option("calib") ?? 512);
const runs = Number(option("runs") ?? 300);
const seed = Number(option("seed") ?? 1);
const mnv2Limit = Number(option("mnv2-limit") ?? 6000);
const mnv2Epochs = Number(option("mnv2-epochs") ?? 1);
const which = (option("models") ?? "bench-cnn,mobilenet-v2").split(",");

const OUT = path.join(process.cwd(), "artifacts", "bench", "onnx");
const log = (...a: unknown[]) => console.error(...a); // progress on stderr, results on stdout

interface Row {
  model: string;
  trainImages: number;
  epochs: number;
  precision: "fp32" | "int8";
  path: string;
  bytes: number;
  gzipBytes: number;
  sizeRatio: number;
  testAccuracy: number;
  p50Ms1t: number;
  p95Ms1t: number;
  p50Ms2t: number;
  p95Ms2t: number;
  imagesPerSec1t: number;
  checker: string;
  fp32Agreement?: number;
  fp32MaxAbsDiff?: number;
}

async function main() {
  const backend = await setupBackend();
  log(`training backend: ${backend.name}${backend.warning ? ` (${backend.warning})` : ""}`);
  const data = loadFashionMnist();
  const testSplit = subset(data.test, testLimit, seed);
  const test = splitAsFloat(testSplit);
  const calib = splitAsFloat(subset(data.train, calibCount, seed + 1));
  mkdirSync(OUT, { recursive: true });
  const rows: Row[] = [];
  const models = [
    { name: "bench-cnn", arch: "bench-cnn" as const, width: undefined, limit, epochs },
    { name: "mobilenet-v2-0.5", arch: "mobilenet-v2" as const, width: 0.5, limit: mnv2Limit, epochs: mnv2Epochs },
  ].filter((m) => which.some((w) => m.name.startsWith(w)));

  for (const m of models) {
    const model = buildModel(m.arch, { inputShape: data.train.shape, numClasses: data.classes.length, seed, width: m.width });
    const trainSplit = subset(data.train, m.limit, seed);
    const t0 = Date.now();
    const summaries = await train(model, trainSplit, testSplit, {
      epochs: m.epochs,
      batchSize: 64,
      learningRate: 1e-3,
      optimizer: "adam",
      seed,
      numClasses: data.classes.length,
    });
    log(`${m.name}: trained ${m.epochs} epochs on ${trainSplit.count} images in ${((Date.now() - t0) / 1000).toFixed(0)} s, val ${summaries.at(-1)?.valAccuracy}`);

    const fp32 = exportOnnx(model, { precision: "fp32", metadata: { model: m.name, seed: String(seed) } });
    // Verify on the test split against tfjs: throws (and fails the bench) when the export disagrees.
    const [, h, w, c] = test.shape;
    const nv = Math.min(1000, test.shape[0]);
    const v = await verifyOnnx(model, fp32, test.images.subarray(0, nv * h * w * c), [nv, h, w, c]);
    const q = await calibrate(model, calib.images, { method: "minmax" });
    const int8 = exportOnnx(model, { precision: "int8", quantization: q, metadata: { model: m.name, seed: String(seed) } });
    const fp32Bytes = fp32.length;

    for (const [precision, bytes] of [["fp32", fp32], ["int8", int8]] as const) {
      const file = path.join(OUT, `${m.name}-${precision}.onnx`);
      writeFileSync(file, bytes);
      const acc = await evaluateOnnx(file, test.images, test.shape, testSplit.labels);
      const l1 = await measureLatency(file, [1, c, h, w], { threads: 1, runs });
      const l2 = await measureLatency(file, [1, c, h, w], { threads: 2, runs });
      const tp = await measureThroughput(file, [1, c, h, w], { threads: 1 });
      const size = sizeOf(bytes);
      const check = findOnnxPython() ? checkOnnx(file) : { ok: false, message: "checker unavailable" };
      if (findOnnxPython() && !check.ok) throw new Error(`${file} fails the ONNX checker: ${check.message}`);
      const row: Row = {
        model: m.name,
        trainImages: trainSplit.count,
        epochs: m.epochs,
        precision,
        path: path.relative(process.cwd(), file),
        bytes: size.bytes,
        gzipBytes: size.gzipBytes,
        sizeRatio: +(size.bytes / fp32Bytes).toFixed(4),
        testAccuracy: acc.accuracy,
        p50Ms1t: +l1.p50Ms.toFixed(4),
        p95Ms1t: +l1.p95Ms.toFixed(4),
        p50Ms2t: +l2.p50Ms.toFixed(4),
        p95Ms2t: +l2.p95Ms.toFixed(4),
        imagesPerSec1t: Math.round(tp.imagesPerSec),
        checker: check.ok ? "ok" : check.message,
        ...(precision === "fp32" ? { fp32Agreement: v.top1Agreement, fp32MaxAbsDiff: v.maxAbsDiff } : {}),
      };
      rows.push(row);
      log(JSON.stringify(row));
    }
    model.dispose();
  }
  console.log(JSON.stringify({ bench: "onnx", backend: backend.name, testImages: testSplit.count, models: rows }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
