import { z } from "zod";
import { describeTechnique } from "./descriptor";

const fraction = z.number().gt(0).lt(1);

export const AnalyzeParams = z
  .object({
    images: z.number().int().min(50).max(20_000).default(1000).describe("Validation images every measurement scores on (held out from training; never test images)"),
    quantization: z.boolean().default(true).describe("Per-layer INT8 sensitivity: only that layer INT8 in onnxruntime → top-1 drop and output SQNR"),
    calibration: z.enum(["minmax", "percentile", "entropy"]).default("minmax").describe("Quantization sensitivity: how activation ranges are calibrated"),
    percentile: z.number().min(90).max(100).default(99.99).describe("Percentile kept by the percentile method"),
    calibrationImages: z.number().int().min(16).max(10_000).default(512).describe("Training images used for calibration"),
    pruning: z.boolean().default(true).describe("Per-layer pruning sensitivity: that layer alone at each sparsity, and its channel group at each channel fraction"),
    sparsities: z.array(fraction).min(1).max(10).default([0.25, 0.5, 0.75, 0.9]).describe("Magnitude sparsities each layer is scored at"),
    channelFractions: z.array(fraction).max(5).default([0.25, 0.5]).describe("Channel fractions each channel group is scored at (empty: no structured curves)"),
    timingRuns: z.number().int().min(20).max(2000).default(100).describe("Batch-1 onnxruntime runs profiled per node for each layer's share of the time"),
  })
  .strict();
export type AnalyzeParams = z.infer<typeof AnalyzeParams>;

export const analyzeDescriptor = describeTechnique({
  name: "analyze",
  label: "Sensitivity analysis",
  configSchema: AnalyzeParams,
  // It measures its input and writes no model: later stages read the model it read, and nothing is exported twice.
  keepsModel: true,
  fitCases: { analyze: {} },
  fitKey: () => "analyze",
});
