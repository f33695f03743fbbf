import { z } from "zod";
import { describeTechnique } from "./descriptor";

export const QuantizeParams = z
  .object({
    mode: z.enum(["ptq", "qat"]).default("ptq").describe("ptq: post-training calibration only; qat: quantization-aware fine-tuning with fake-quant, then the same INT8 form"),
    calibration: z.enum(["minmax", "percentile", "entropy"]).default("minmax").describe("How activation ranges are chosen from the calibration images"),
    percentile: z.number().min(90).max(100).default(99.99).describe("Percentile kept by the percentile method"),
    calibrationImages: z.number().int().min(16).max(10_000).default(512).describe("Training images used for calibration (never test images)"),
    activationType: z.enum(["uint8", "int8"]).default("uint8").describe("Activation integer type (uint8 asymmetric is ONNX Runtime's default)"),
    epochs: z.number().int().min(1).max(20).default(1).describe("QAT: fine-tuning epochs"),
    learningRate: z.number().gt(0).max(0.1).default(1e-4).describe("QAT: fine-tuning learning rate (small: the model is already trained)"),
    maxAccuracyDrop: z.number().min(0).max(100).optional().describe("Accuracy control: percentage points of validation top-1 the INT8 model may lose against the stage's float input; when all-INT8 loses more, the most sensitive layers stay FP32, one at a time, until it does not"),
    preserveSparsity: z.boolean().default(true).describe("QAT: keep the zero weights of a pruned input at zero (masks read off the input model)"),
    preserveClusters: z.boolean().default(true).describe("QAT: train a clustered input's shared values as centroids, so each kernel keeps its k values"),
  })
  .strict();
export type QuantizeParams = z.infer<typeof QuantizeParams>;

export const quantizeDescriptor = describeTechnique({
  name: "quantize",
  label: "INT8 quantization",
  configSchema: QuantizeParams,
  // Its model is an fp32 graph plus activation ranges that only the INT8 exporter understands: distilling, pruning,
  // clustering or re-quantizing it would silently drop or invalidate the ranges.
  terminal: "quantize must be the last step of a branch",
  sketch: (input) => ({ model: input, precision: "int8" }),
  fitCases: { "quantize-ptq": { mode: "ptq" }, "quantize-qat": { mode: "qat" } },
  fitKey: (params) => `quantize-${params.mode ?? "ptq"}`,
});
