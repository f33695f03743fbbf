// After a stage's technique has produced its model: score it on the test split, export it to ONNX, check the
// export answers like the model, time it in onnxruntime-node, and store the files. Nothing here is estimated.
import type * as tf from "@tensorflow/tfjs";
import { storeArtifact } from "../artifacts/store-artifact";
import type { ImageSplit } from "../ml/data/types";
import { predictLogits, scoreLogits, type Evaluation } from "../ml/evaluate";
import { modelToJson } from "../ml/model-io";
import { modelStats, type ModelStats } from "../ml/model-stats";
import { splitAsFloat } from "../ml/tensors";
import { exportOnnx } from "../onnx/export";
import { evaluateOnnx, measureRuntime } from "../onnx/session";
import type { QuantizationParams } from "../onnx/quantize";
import { sizeOf } from "../onnx/size";
import { verifyOnnx } from "../onnx/verify";
import type { StageContext } from "./context";
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
}

export interface StageOutput {
  model: tf.LayersModel;
  precision: "fp32" | "int8";
  quantization?: QuantizationParams;
}

/** The export must answer like the model on these many test images, or the stage fails. */
const VERIFY_IMAGES = 1_000;

/**
 * FP32 stages are scored with the tfjs model (the export is verified to answer the same). INT8 stages are
 * scored with the INT8 ONNX model in onnxruntime — the model a phone would run — and verified to lose at
 * most 1 pp against the tfjs model it came from.
 */
export async function measureStage(ctx: StageContext, result: StageOutput, technique: string, params: unknown, test: ImageSplit): Promise<StageMeasurements> {
  const { model, precision } = result;
  const numClasses = ctx.data.classes.length;
  const stats = modelStats(model);
  await ctx.report({ phase: "exporting", stageFraction: 1 });
  const onnx = exportOnnx(model, precision === "int8" ? { precision, quantization: result.quantization } : { precision: "fp32" });
  const sample = splitAsFloat(test, VERIFY_IMAGES);
  await verifyOnnx(model, onnx, sample.images, sample.shape, { precision, labels: test.labels.subarray(0, sample.shape[0]) });

  await ctx.report({ phase: "evaluating", stageFraction: 1 });
  let evaluation: Evaluation;
  if (precision === "int8") {
    const all = splitAsFloat(test);
    const { logits } = await evaluateOnnx(onnx, all.images, all.shape, test.labels);
    evaluation = scoreLogits(logits, test.labels, numClasses);
  } else {
    evaluation = scoreLogits(predictLogits(model, test), test.labels, numClasses);
  }

  await ctx.report({ phase: "measuring", stageFraction: 1 });
  const [h, w, c] = test.shape;
  const runtime = await measureRuntime(onnx, [1, c, h, w]);
  const size = sizeOf(onnx);
  const m: StageMeasurements = {
    evaluation, stats, bytes: size.bytes, gzipBytes: size.gzipBytes,
    latencyP50Ms: runtime.p50Ms1t, latencyP95Ms: runtime.p95Ms1t, latencyP50Ms2t: runtime.p50Ms2t, latencyP95Ms2t: runtime.p95Ms2t,
    throughput: runtime.imagesPerSec1t,
  };

  const base = `${slug((await experimentName(ctx)))}-stage${ctx.stageIndex}-${technique}`;
  const store = (kind: Parameters<typeof storeArtifact>[1]["kind"], fileName: string, data: Uint8Array) =>
    storeArtifact(ctx.db, { runId: ctx.runId, stageIndex: ctx.stageIndex, kind, fileName, data });
  await store(precision === "int8" ? "onnx-int8" : "onnx-fp32", `${base}-${precision}.onnx`, onnx);
  await store("tfjs", `${base}-tfjs.json`, Buffer.from(await modelToJson(model)));
  const card = await stageModelCard(ctx, technique, params, m);
  await store("model-card", `${base}-model-card.json`, Buffer.from(card.json));
  await store("model-card-md", `${base}-model-card.md`, Buffer.from(card.markdown));
  return m;
}

async function experimentName(ctx: StageContext): Promise<string> {
  const run = await ctx.db.run.findUniqueOrThrow({ where: { id: ctx.runId }, select: { experiment: { select: { name: true } } } });
  return run.experiment.name;
}

export function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60) || "experiment";
}
