// The `analyze` stage: measures its input model and writes none (descriptor.keepsModel). Per layer: its share of
// parameters, MACs and measured onnxruntime time (sensitivity/layer-costs.ts), its INT8 sensitivity (only that
// layer INT8: top-1 drop and output SQNR, sensitivity/quantization-sensitivity.ts) and its pruning curves (that
// layer alone at each sparsity, its channel group at each fraction, sensitivity/pruning-sensitivity.ts). Every
// accuracy is scored in onnxruntime-node on held-out validation images — never the test split, so what later
// stages choose from the analysis is not tuned on the numbers they are judged by.
import type * as tf from "@tensorflow/tfjs";
import { buildGraph } from "../onnx/export";
import { AnalyzeParams, analyzeDescriptor } from "./analyze.schema";
import { throwIfCancelled } from "./cancel";
import { calibrationImages } from "./quantize";
import { AnalysisReport, type AnalysisLayer } from "./sensitivity/analysis-report";
import { scoreModel, scoringSetOf } from "./sensitivity/evaluate-onnx-split";
import { layerCosts } from "./sensitivity/layer-costs";
import { pruningSensitivity, type PruningSensitivity } from "./sensitivity/pruning-sensitivity";
import { quantizationSensitivity, type QuantizationSensitivity } from "./sensitivity/quantization-sensitivity";
import type { AnalysisResult, Technique, TechniqueContext } from "./types";

async function apply(model: tf.LayersModel, params: AnalyzeParams, ctx: TechniqueContext): Promise<AnalysisResult> {
  throwIfCancelled(ctx);
  const val = scoringSetOf(ctx.val, params.images);
  const kernelCount = model.layers.filter((l) => ["Conv2D", "DepthwiseConv2D", "Dense"].includes(l.getClassName())).length;
  const steps = 1 + (params.quantization ? kernelCount : 0) + (params.pruning ? 2 * kernelCount : 0);
  let done = 0;
  const step = async () => {
    throwIfCancelled(ctx);
    await ctx.onProgress({ phase: "evaluating", stageFraction: Math.min(1, ++done / steps) });
  };
  ctx.log(`analyze: ${val.shape[0]} validation images; quantization ${params.quantization}, pruning ${params.pruning}`);

  const costs = await layerCosts(model, { runs: params.timingRuns });
  await step();
  let quant: QuantizationSensitivity | null = null;
  if (params.quantization) {
    quant = await quantizationSensitivity(model, val, {
      calibrationImages: calibrationImages(ctx.train, params.calibrationImages, ctx.seed),
      method: params.calibration,
      percentile: params.percentile,
      onLayer: step,
    });
    ctx.log(`analyze: FP32 ${quant.fp32Accuracy.toFixed(4)}, all-INT8 ${quant.allInt8Accuracy.toFixed(4)}; most sensitive: ${quant.layers.slice(0, 3).map((l) => l.layer).join(", ")}`);
  }
  let prune: PruningSensitivity | null = null;
  if (params.pruning) {
    prune = await pruningSensitivity(model, val, { sparsities: params.sparsities, channelFractions: params.channelFractions, onStep: step });
  }
  // Both analyses score the same FP32 export on the same images; with neither, it is scored on its own.
  const fp32Accuracy = quant?.fp32Accuracy ?? prune?.baseAccuracy ?? (await scoreModel(model, { precision: "fp32" }, val)).accuracy;
  const report = joinReport(costs, quant, prune, params, val.shape[0], fp32Accuracy);
  return { details: { analysis: AnalysisReport.parse(report) } };
}

function joinReport(
  costs: Awaited<ReturnType<typeof layerCosts>>,
  quant: QuantizationSensitivity | null,
  prune: PruningSensitivity | null,
  params: AnalyzeParams,
  images: number,
  fp32Accuracy: number,
): AnalysisReport {
  const q = new Map(quant?.layers.map((l) => [l.layer, l]));
  const p = new Map(prune?.layers.map((l) => [l.layer, l]));
  const layers: AnalysisLayer[] = costs.layers.map((c) => {
    const ql = q.get(c.layer);
    const pl = p.get(c.layer);
    return {
      ...c,
      quantization: ql ? { int8Accuracy: ql.int8Accuracy, accuracyDrop: ql.accuracyDrop, outputSqnrDb: ql.outputSqnrDb } : null,
      pruning: pl ? { weights: pl.weights, curve: pl.curve, channels: pl.channels } : null,
    };
  });
  return {
    images,
    fp32Accuracy,
    quantization: quant && {
      method: params.calibration,
      calibrationImages: quant.quantization.calibrationImages ?? params.calibrationImages,
      allInt8Accuracy: quant.allInt8Accuracy,
      allInt8SqnrDb: quant.allInt8SqnrDb,
      ranking: quant.layers.map((l) => l.layer),
    },
    pruning: prune && { sparsities: params.sparsities, channelFractions: params.channelFractions },
    timing: { method: costs.method, runs: costs.runs, ortMs: costs.ortMs, unattributedMs: costs.unattributedMs },
    totals: { params: costs.params, macs: costs.macs },
    layers,
  };
}

export const analyze = {
  ...analyzeDescriptor,
  // Every measurement runs the model's ONNX export: a model the exporter cannot convert cannot be analysed.
  check: (model: tf.LayersModel) => {
    try {
      buildGraph(model);
      return null;
    } catch (e) {
      return `the analysis needs an exportable model: ${(e as Error).message}`;
    }
  },
  apply,
} satisfies Technique<AnalyzeParams, AnalysisResult>;
