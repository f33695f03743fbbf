// Compression benchmark — the Sequential preset on Fashion-MNIST: a ResNet-style teacher (ResNet-20) as the
// baseline, distilled into a MobileNetV2-style student (width 0.5), pruned, then INT8 (QDQ). Every stage is
// exported to ONNX and scored and timed in onnxruntime-node (batch 1, 1 thread) — the deployed model is what
// counts. The last line printed is one JSON object:
//   {"bench":"compress","stages":[{"technique":…,"testAccuracy":…,"bytes":…,"macs":…,"latencyP50Ms":…},…]}
// (baseline first). Bar (issue 4): final ≥ 4× smaller than the fp32 baseline file, ≥ 1.5× faster, ≤ 1.5 pp less accurate.
// Options: --quick (2k training images, 1 epoch per stage, 1k test images), --epochs N (per training stage; or
//   --baseline-epochs, --distill-epochs, --prune-epochs), --schedule cosine|constant|one-cycle (over each stage),
//   --limit N (training images), --test N, --backend NAME, --prune unstructured|structured, --sparsity F (default
//   0.3, the preset's), --qat, --calibration minmax|percentile|entropy, --alpha F (default 0.5), --temperature F (4), --width F
//   (student), --seed N.
import * as tf from "@tensorflow/tfjs";
import { techniqueByName } from "../../lib/compress/index";
import { CompressionStage } from "../../lib/compress/schemas";
import { LrSchedule } from "../../lib/schemas/pipeline";
import type { StageResult, TechniqueContext } from "../../lib/compress/types";
import { setupBackend } from "../../lib/ml/backend/index";
import { loadFashionMnist } from "../../lib/ml/data/fashion-mnist";
import { pick, subset } from "../../lib/ml/data/subset";
import { modelStats } from "../../lib/ml/model-stats";
import { buildModel } from "../../lib/ml/models/zoo";
import { permutation } from "../../lib/ml/random";
import { splitAsFloat } from "../../lib/ml/tensors";
import { train } from "../../lib/ml/train";
import { exportOnnx } from "../../lib/onnx/export";
import { evaluateOnnx, measureLatency } from "../../lib/onnx/session";
import { sizeOf } from "../../lib/onnx/size";

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const quick = process.argv.includes("--quick");
const epochs = Number(option("epochs") ?? (quick ? 1 : 10));
const limit = Number(option("limit") ?? (quick ? 2_000 : 60_000));
const testLimit = Number(option("test") ?? (quick ? 1_000 : 10_000));
const seed = Number(option("seed") ?? 1);
const pruneMethod = (option("prune") ?? "unstructured") as "unstructured" | "structured";
const sparsity = Number(option("sparsity") ?? 0.3);
const epochsOf = (stage: string) => Number(option(`${stage}-epochs`) ?? epochs);
const schedule = LrSchedule.parse({ kind: option("schedule") ?? "cosine" });
const log = (line: string): void => void process.stderr.write(`${line}\n`);

interface Row {
  technique: string;
  testAccuracy: number;
  bytes: number;
  gzipBytes: number;
  params: number;
  macs: number;
  sparsity: number;
  precision: "fp32" | "int8";
  latencyP50Ms: number;
  latencyP95Ms: number;
  seconds: number;
}

async function main() {
  const backend = await setupBackend(option("backend"));
  log(`training backend: ${backend.name}${backend.warning ? ` (${backend.warning})` : ""}`);
  const data = loadFashionMnist();
  const pool = subset(data.train, limit, seed);
  const order = permutation(pool.count, seed + 1);
  const valCount = Math.min(5_000, Math.round(pool.count * 0.1));
  const val = pick(pool, order.subarray(0, valCount));
  const trainSplit = pick(pool, order.subarray(valCount));
  const testSplit = subset(data.test, testLimit, seed);
  const test = splitAsFloat(testSplit);
  const [h, w, c] = data.train.shape;
  const numClasses = data.classes.length;
  const training = { epochs, batchSize: 64, learningRate: 1e-3, optimizer: "adam" as const, schedule };
  log(`data: ${trainSplit.count} train, ${val.count} val, ${testSplit.count} test; epochs: baseline ${epochsOf("baseline")}, ` +
    `distill ${epochsOf("distill")}, prune ${epochsOf("prune")}; ${schedule.kind} learning rate`);

  const measure = async (technique: string, result: StageResult, seconds: number): Promise<Row> => {
    const bytes = exportOnnx(result.model, { precision: result.precision, quantization: result.quantization });
    const { accuracy } = await evaluateOnnx(bytes, test.images, test.shape, testSplit.labels);
    const latency = await measureLatency(bytes, [1, c, h, w], { threads: 1, runs: 300 });
    const stats = modelStats(result.model);
    const size = sizeOf(bytes);
    const row: Row = {
      technique, testAccuracy: accuracy, bytes: size.bytes, gzipBytes: size.gzipBytes, params: stats.params, macs: stats.macs,
      sparsity: +stats.sparsity.toFixed(4), precision: result.precision, latencyP50Ms: +latency.p50Ms.toFixed(4), latencyP95Ms: +latency.p95Ms.toFixed(4), seconds: Math.round(seconds),
    };
    log(JSON.stringify(row));
    return row;
  };

  // Stage 0: the ResNet-20 teacher, trained with the plain loop.
  let t0 = performance.now();
  const baseline = buildModel("resnet", { inputShape: data.train.shape, numClasses, seed, depth: 3 });
  await train(baseline, trainSplit, val, {
    ...training, epochs: epochsOf("baseline"), seed, numClasses,
    onEpochEnd: (e) => log(`baseline epoch ${e.epoch}: loss ${e.loss.toFixed(4)} val ${e.valAccuracy.toFixed(4)} (${Math.round(e.imagesPerSec)} img/s)`),
  });
  const rows: Row[] = [await measure("baseline", { model: baseline, precision: "fp32" }, (performance.now() - t0) / 1000)];

  const ctx: TechniqueContext = {
    train: trainSplit, val, numClasses, seed, training, baseline, architecture: "resnet", inputShape: data.train.shape,
    signal: new AbortController().signal,
    onProgress: async () => {},
    onEpochEnd: async (epoch, m) => log(`  epoch ${epoch}: ${Object.entries(m).map(([k, v]) => `${k} ${+v.toFixed(4)}`).join(" ")}`),
    log: (line) => log(`  ${line}`),
  };
  const pipeline = [
    { technique: "distill", params: { student: "mobilenet-v2", width: Number(option("width") ?? 0.5), temperature: Number(option("temperature") ?? 4), alpha: Number(option("alpha") ?? 0.5), epochs: epochsOf("distill") } },
    pruneMethod === "structured"
      ? { technique: "prune", params: { method: "structured", channelFraction: sparsity, epochs: epochsOf("prune"), learningRate: 5e-4 } }
      : { technique: "prune", params: { method: "unstructured", schedule: { finalSparsity: sparsity, frequency: quick ? 10 : 100 }, epochs: epochsOf("prune"), learningRate: 5e-4 } },
    { technique: "quantize", params: { mode: process.argv.includes("--qat") ? "qat" : "ptq", calibration: option("calibration") ?? "minmax" } },
  ].map((s) => CompressionStage.parse(s));

  let input = baseline;
  for (const stage of pipeline) {
    log(`${stage.technique}: ${JSON.stringify(stage.params)}`);
    t0 = performance.now();
    const result = await techniqueByName(stage.technique).apply(input, stage.params, ctx);
    if (!("model" in result)) continue; // an analysis: findings only, the next stage reads the same model
    rows.push(await measure(stage.technique, result, (performance.now() - t0) / 1000));
    if (input !== baseline) input.dispose();
    input = result.model;
  }

  const [first, last] = [rows[0], rows.at(-1)!];
  const verdict = {
    sizeRatio: +(first.bytes / last.bytes).toFixed(2),
    speedup: +(first.latencyP50Ms / last.latencyP50Ms).toFixed(2),
    accuracyDropPp: +((first.testAccuracy - last.testAccuracy) * 100).toFixed(2),
  };
  const pass = verdict.sizeRatio >= 4 && verdict.speedup >= 1.5 && verdict.accuracyDropPp <= 1.5;
  log(`final vs baseline: ${verdict.sizeRatio}× smaller, ${verdict.speedup}× faster, ${verdict.accuracyDropPp} pp accuracy drop → ${pass ? "meets" : "misses"} the bar`);
  log(`tensors alive: ${tf.memory().numTensors}`);
  console.log(JSON.stringify({
    bench: "compress", backend: backend.name, quick, trainImages: trainSplit.count, testImages: testSplit.count,
    epochs: { baseline: epochsOf("baseline"), distill: epochsOf("distill"), prune: epochsOf("prune") }, schedule: schedule.kind,
    stages: rows.map(({ technique, testAccuracy, bytes, gzipBytes, params, macs, sparsity: s, precision, latencyP50Ms, latencyP95Ms, seconds }) =>
      ({ technique, testAccuracy, bytes, gzipBytes, params, macs, sparsity: s, precision, latencyP50Ms, latencyP95Ms, seconds })),
    ...verdict, pass,
  }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
