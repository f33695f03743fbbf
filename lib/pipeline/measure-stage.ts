// After a stage's technique has produced its model: score it on the test split, export it to ONNX, check the
// export answers like the model, time it in onnxruntime-node, and store the files. Nothing here is estimated.
import { existsSync } from "node:fs";
import type { Prisma } from "../generated/sqlite/client";
import type * as tf from "@tensorflow/tfjs";
import { storeArtifact } from "../artifacts/store-artifact";
import type { ImageSplit } from "../ml/data/types";
import { predictLogits, scoreLogits, type Evaluation } from "../ml/evaluate";
import { modelToJson } from "../ml/model-io";
import { modelStats, type ModelStats } from "../ml/model-stats";
import { splitAsFloat } from "../ml/tensors";
import { artifactFile } from "../artifacts/store-artifact";
import { exportOnnxWithPlan } from "../onnx/export";
import type { PairedSpeedup } from "../onnx/paired-speedup";
import { evaluateOnnx, measurePairedLatency, measureRuntime } from "../onnx/session";
import type { QuantizationParams } from "../onnx/quantize";
import { sizeOf } from "../onnx/size";
import { quantizationCost, verifyInt8, verifyOnnx, type QuantizationCost, type VerifyResult } from "../onnx/verify";
import type { StageContext } from "./context";
import { slugify } from "../slug";
import { stageModelCard } from "./stage-card";

export interface StageMeasurements {
  evaluation: Evaluation;
  stats: ModelStats;
  bytes: number;
  gzipBytes: number;
  latencyP50Ms: number;
  latencyP95Ms: number;
  latencyP50Ms2t: number;
  latencyP95Ms2t: number;
  throughput: number;
  /** Baseline/stage latency, paired (null on the baseline, or when its ONNX file is gone). */
  speedup: PairedSpeedup | null;
  /** INT8 stages: ORT vs the tfjs simulation of the same quantization (the check that passed). */
  fidelity?: VerifyResult;
  /** INT8 stages: the float tfjs model vs the INT8 file, on the full test split (reported, judged by requirements). */
  quantizationCost?: QuantizationCost;
}

export interface StageOutput {
  model: tf.LayersModel;
  precision: "fp32" | "int8";
  quantization?: QuantizationParams;
  details?: Record<string, unknown>;
}

/** The export must answer like the model on these many test images, or the stage fails. */
const VERIFY_IMAGES = 1_000;

/**
 * FP32 stages are scored with the tfjs model (the export is verified to answer the same). INT8 stages are
 * scored with the INT8 ONNX model in onnxruntime — the model a phone would run — after checking it agrees
 * with a tfjs simulation of the same quantization; what INT8 costs against the float model is reported, not
 * failed on. Latency is paired with the baseline's ONNX file (speed-up with its spread).
 */
export async function measureStage(ctx: StageContext, result: StageOutput, technique: string, params: unknown, test: ImageSplit): Promise<StageMeasurements> {
  const { model, precision } = result;
  const numClasses = ctx.data.classes.length;
  const stats = modelStats(model);
  await ctx.report({ phase: "exporting", stageFraction: 1 });
  const { bytes: onnx, plan } = exportOnnxWithPlan(model, precision === "int8" ? { precision, quantization: result.quantization } : { precision: "fp32" });
  const sample = splitAsFloat(test, VERIFY_IMAGES);
  const sampleLabels = test.labels.subarray(0, sample.shape[0]);
  const fidelity =
    precision === "int8"
      ? await verifyInt8(model, onnx, plan!, sample.images, sample.shape, { labels: sampleLabels })
      : await verifyOnnx(model, onnx, sample.images, sample.shape, { labels: sampleLabels });

  await ctx.report({ phase: "evaluating", stageFraction: 1 });
  let evaluation: Evaluation;
  let cost: QuantizationCost | undefined;
  const fp32Logits = predictLogits(model, test);
  if (precision === "int8") {
    const all = splitAsFloat(test);
    const { logits } = await evaluateOnnx(onnx, all.images, all.shape, test.labels);
    evaluation = scoreLogits(logits, test.labels, numClasses);
    cost = quantizationCost(fp32Logits, logits, test.labels);
  } else {
    evaluation = scoreLogits(fp32Logits, test.labels, numClasses);
  }

  await ctx.report({ phase: "measuring", stageFraction: 1 });
  const [h, w, c] = test.shape;
  const runtime = await measureRuntime(onnx, [1, c, h, w]);
  const baselineOnnx = ctx.stageIndex === 0 ? null : await baselineOnnxFile(ctx);
  const paired = baselineOnnx ? await measurePairedLatency(baselineOnnx, onnx, [1, c, h, w]) : null;
  const size = sizeOf(onnx);
  const m: StageMeasurements = {
    evaluation, stats, bytes: size.bytes, gzipBytes: size.gzipBytes,
    latencyP50Ms: runtime.p50Ms1t, latencyP95Ms: runtime.p95Ms1t, latencyP50Ms2t: runtime.p50Ms2t, latencyP95Ms2t: runtime.p95Ms2t,
    throughput: runtime.imagesPerSec1t,
    speedup: paired?.speedup ?? null,
    ...(precision === "int8" ? { fidelity, quantizationCost: cost } : {}),
  };

  const base = `${slugify(await experimentName(ctx)) || "experiment"}-stage${ctx.stageIndex}-${technique}`;
  const store = (kind: Parameters<typeof storeArtifact>[1]["kind"], fileName: string, data: Uint8Array) =>
    storeArtifact(ctx.db, { runId: ctx.runId, stageIndex: ctx.stageIndex, kind, fileName, data });
  await store(precision === "int8" ? "onnx-int8" : "onnx-fp32", `${base}-${precision}.onnx`, onnx);
  await store("tfjs", `${base}-tfjs.json`, Buffer.from(await modelToJson(model)));
  const card = await stageModelCard(ctx, technique, params, m, result.details);
  await store("model-card", `${base}-model-card.json`, Buffer.from(card.json));
  await store("model-card-md", `${base}-model-card.md`, Buffer.from(card.markdown));
  return m;
}

/** The stage's columns for its paired speed-up (all null on the baseline). */
export function speedupColumns(m: StageMeasurements) {
  return { speedup: m.speedup?.median ?? null, speedupLow: m.speedup?.low ?? null, speedupHigh: m.speedup?.high ?? null };
}

/** Stage.details: the technique's own, plus for INT8 the fidelity check that passed and what quantization cost. */
export function stageDetails(output: { details?: unknown }, m: StageMeasurements): Prisma.InputJsonObject | undefined {
  const own = output.details && typeof output.details === "object" ? (output.details as Record<string, unknown>) : {};
  const f = m.fidelity;
  const int8 = m.quantizationCost && f
    ? { int8Fidelity: { images: f.n, top1Agreement: f.top1Agreement, maxAbsDiff: f.maxAbsDiff, meanAbsDiff: f.meanAbsDiff }, quantizationCost: m.quantizationCost }
    : {};
  const all = { ...own, ...int8 };
  return Object.keys(all).length ? JSON.parse(JSON.stringify(all)) : undefined;
}

/** The run's baseline (stage 0) ONNX file on disk, the reference every stage's latency is paired with. */
async function baselineOnnxFile(ctx: StageContext): Promise<string | null> {
  const a = await ctx.db.artifact.findFirst({ where: { runId: ctx.runId, stageIndex: 0, kind: { in: ["onnx-fp32", "onnx-int8"] } }, select: { path: true } });
  if (!a) return null;
  const file = artifactFile(a.path);
  return existsSync(file) ? file : null;
}

async function experimentName(ctx: StageContext): Promise<string> {
  const run = await ctx.db.run.findUniqueOrThrow({ where: { id: ctx.runId }, select: { experiment: { select: { name: true } } } });
  return run.experiment.name;
}

