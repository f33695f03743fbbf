// The model card written next to every export: what the model is, how to feed it, what it measured.
import { readFileSync } from "node:fs";
import path from "node:path";
import { INPUT_NAME, ONNX_OPSET } from "../onnx/export";
import type { AccuracyControl } from "../compress/accuracy-control";
import { modelCard, type ModelCard, type ModelCardInput } from "../onnx/model-card";
import { judgeRun, parseVerdict } from "../runs/requirements-verdict";
import type { StageContext } from "./context";
import { judgedStageOf, judgeMeasuredStage } from "./judge-stage";
import type { StageMeasurements } from "./measure-stage";

const toolVersion = (() => {
  try {
    return (JSON.parse(readFileSync(path.resolve("package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
})();

/** The accuracy control a quantizing technique reports in its details (lib/compress/accuracy-control.ts). */
function mixedPrecisionOf(details: Record<string, unknown> | undefined): ModelCardInput["mixedPrecision"] {
  const c = details?.accuracyControl as AccuracyControl | undefined;
  if (!c) return undefined;
  return { maxAccuracyDropPp: c.maxAccuracyDropPp, allInt8DropPp: (c.referenceAccuracy - c.allInt8Accuracy) * 100, accuracyDropPp: c.accuracyDropPp, withinBudget: c.withinBudget, fp32Layers: c.fp32Layers };
}

export async function stageModelCard(ctx: StageContext, technique: string, params: unknown, m: StageMeasurements, details?: Record<string, unknown>): Promise<ModelCard> {
  const run = await ctx.db.run.findUniqueOrThrow({ where: { id: ctx.runId }, include: { experiment: { include: { dataset: true } }, stages: { orderBy: { index: "asc" } } } });
  const [h, w, c] = ctx.data.train.shape;
  const earlier = run.stages.filter((s) => s.index < ctx.stageIndex && s.status === "succeeded");
  const metricsOf = (s: { index: number; accuracy: number | null; top5: number | null; latencyP50Ms: number | null; sizeBytes: number | null; paramCount: number | null; verdict: unknown }) => ({
    top1: s.accuracy, top5: s.top5, latencyP50Ms: s.latencyP50Ms, bytes: s.sizeBytes, params: s.paramCount, meetsAll: s.index === 0 ? null : parseVerdict(s.verdict)?.pass ?? null,
  });
  // The same judgement processRun stores on the stage's row once the card is written.
  const verdict = await judgeMeasuredStage(ctx.db, ctx.runId, ctx.stageIndex, m, ctx.requirements);
  const runSoFar = judgeRun([...earlier, { ...judgedStageOf(ctx.stageIndex, m), verdict }]);
  return modelCard({
    name: `${run.experiment.name} — stage ${ctx.stageIndex} (${technique})`,
    description: run.experiment.description || undefined,
    architecture: { name: ctx.architecture, params: m.stats.params, nonzeroParams: m.stats.nonzeroParams, macs: m.stats.macs },
    input: { name: INPUT_NAME, shape: ["batch", c, h, w], layout: "NCHW", dtype: "float32" },
    output: { name: "logits", shape: ["batch", ctx.data.classes.length], meaning: "unnormalised class scores (apply softmax for probabilities)" },
    preprocessing: { scale: "divide uint8 pixels by 255 → [0, 1]", mean: new Array(c).fill(0), std: new Array(c).fill(1), channelOrder: c === 1 ? "grayscale" : "RGB" },
    classNames: ctx.data.classes,
    dataset: { name: run.experiment.dataset.name, trainCount: ctx.data.train.count, testCount: ctx.data.test.count },
    stages: [
      ...earlier.map((s) => ({ index: s.index, technique: s.technique, params: s.params as Record<string, unknown>, metrics: metricsOf(s) })),
      {
        index: ctx.stageIndex, technique, params: (params ?? {}) as Record<string, unknown>,
        metrics: {
          top1: m.evaluation.accuracy, top5: m.evaluation.top5, latencyP50Ms: m.latencyP50Ms, bytes: m.bytes, params: m.stats.params, meetsAll: verdict?.pass ?? null,
          ...(m.speedup ? { speedupVsBaseline: m.speedup.median, speedupSpread: `${m.speedup.low.toFixed(2)}–${m.speedup.high.toFixed(2)}×` } : {}),
          ...(m.quantizationCost
            ? { fp32Top1: m.quantizationCost.fp32Accuracy, int8AccuracyDropPp: m.quantizationCost.accuracyDrop * 100, int8FidelityTop1Agreement: m.fidelity?.top1Agreement }
            : {}),
        },
      },
    ],
    mixedPrecision: mixedPrecisionOf(details),
    requirements: { limits: ctx.requirements, stage: verdict, run: { ...runSoFar, final: ctx.stageIndex === ctx.stages - 1 } },
    tool: { name: "compression-lab", version: toolVersion, onnxOpset: ONNX_OPSET, runtime: "onnxruntime-node (CPU)" },
    seed: ctx.seed,
    runId: ctx.runId,
    createdAt: new Date().toISOString(),
  });
}
