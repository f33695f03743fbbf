// After a stage's technique has produced its model: score it on the test split, export it to ONNX, check the
// export answers like the model, time it in onnxruntime-node, and store the files. Nothing here is estimated.
import type * as tf from "@tensorflow/tfjs";
import { storeArtifact } from "../artifacts/store-artifact";
import { predictLogits, scoreLogits, type Evaluation } from "../ml/evaluate";
import type { ImageSplit } from "../ml/data/types";
import { modelStats, type ModelStats } from "../ml/model-stats";
import { exportOnnx } from "../onnx/export";
import { measureLatency } from "../onnx/session";
import { sizeOf } from "../onnx/size";
import { verifyOnnx } from "../onnx/verify";
import { splitAsFloat } from "../ml/tensors";
import type { StageContext } from "./context";

export interface StageMeasurements {
  evaluation: Evaluation;
  stats: ModelStats;
  bytes: number;
  gzipBytes: number;
  latencyP50Ms: number;
  latencyP95Ms: number;
  latencyThreads: number;
}

/** Runs this many batch-1 inferences after warm-up: enough for a stable p95. */
const LATENCY_RUNS = 200;
/** The export must answer like the model on these many test images, or the stage fails. */
const VERIFY_IMAGES = 1_000;

export async function measureStage(ctx: StageContext, model: tf.LayersModel, technique: string, test: ImageSplit): Promise<StageMeasurements> {
  await ctx.report({ phase: "evaluating", stageFraction: 1 });
  const logits = predictLogits(model, test);
  const evaluation = scoreLogits(logits, test.labels, ctx.data.classes.length);
  const stats = modelStats(model);

  await ctx.report({ phase: "exporting", stageFraction: 1 });
  const onnx = exportOnnx(model, { precision: "fp32" });
  const sample = splitAsFloat(test, VERIFY_IMAGES);
  await verifyOnnx(model, onnx, sample.images, sample.shape, { labels: test.labels.subarray(0, sample.shape[0]) });
  const experiment = await ctx.db.run.findUniqueOrThrow({ where: { id: ctx.runId }, select: { experiment: { select: { name: true } } } });
  const fileName = `${slug(experiment.experiment.name)}-stage${ctx.stageIndex}-${technique}-fp32.onnx`;
  await storeArtifact(ctx.db, { runId: ctx.runId, stageIndex: ctx.stageIndex, kind: "onnx-fp32", fileName, data: onnx });

  await ctx.report({ phase: "measuring", stageFraction: 1 });
  const [h, w, c] = test.shape;
  const latency = await measureLatency(onnx, [1, c, h, w], { threads: 1, runs: LATENCY_RUNS });
  const size = sizeOf(onnx);
  return { evaluation, stats, bytes: size.bytes, gzipBytes: size.gzipBytes, latencyP50Ms: latency.p50Ms, latencyP95Ms: latency.p95Ms, latencyThreads: latency.threads };
}

export function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60) || "experiment";
}
