import { z } from "zod";
import { describeTechnique } from "./descriptor";

export const AutoParams = z
  .object({
    maxAccuracyDrop: z.number().min(0).max(100).default(1).describe("Percentage points of validation top-1 the chosen model may lose against the run's baseline"),
    objective: z.enum(["size", "latency"]).default("size").describe("What the search makes smallest within the accuracy budget: the INT8 ONNX file's bytes, or its paired onnxruntime latency"),
    budgetMinutes: z.number().min(0.1).max(24 * 60).default(60).describe("Wall-clock time for the search; no new candidate starts once what is left would not fit it"),
    students: z.number().int().min(1).max(12).default(4).describe("At most this many student architectures distilled (a bisection over the space sorted by cost)"),
    widths: z.array(z.number().min(0.25).max(2)).min(1).default([0.35, 0.5, 0.75]).describe("Student width multipliers (the NAS space)"),
    depths: z.array(z.number().int().min(1).max(4)).min(1).default([1, 2, 3]).describe("Student blocks per stage"),
    kernels: z.array(z.union([z.literal(3), z.literal(5), z.literal(7)])).min(1).default([3]).describe("Student depthwise kernel sizes"),
    expansions: z.array(z.number().int().min(1).max(8)).min(1).default([2, 4, 6]).describe("Student expansion ratios"),
    epochs: z.number().int().min(1).max(200).optional().describe("Distillation epochs per student (default: the run's epochs)"),
    sparsitySteps: z.number().int().min(0).max(6).default(2).describe("Bisection steps over the structured channel fraction of the best student (0: no pruning)"),
    maxChannelFraction: z.number().gt(0).max(0.9).default(0.5).describe("Largest fraction of channels the bisection may remove"),
    fineTuneEpochs: z.number().int().min(1).max(50).default(1).describe("Distillation epochs after removing channels"),
    temperature: z.number().min(1).max(20).default(4).describe("Distillation temperature"),
    alpha: z.number().min(0).max(1).default(0.7).describe("Distillation: weight of the soft loss"),
    calibrationImages: z.number().int().min(16).max(10_000).default(512).describe("Training images for INT8 calibration"),
    calibration: z.enum(["minmax", "percentile", "entropy"]).default("minmax").describe("INT8 activation calibration"),
  })
  .strict();
export type AutoParams = z.infer<typeof AutoParams>;

export const autoDescriptor = describeTechnique({
  name: "auto",
  label: "Automatic search (accuracy budget)",
  configSchema: AutoParams,
  // The baseline is the teacher and the accuracy reference; the output is an INT8 model.
  readsBaseline: "distils its students from the baseline and measures the accuracy budget against it",
  terminal: "auto ends in an INT8 model: it must be the last step of a branch",
  sketch: () => ({ model: { estimate: null }, precision: "int8", note: "size known after the search: the smallest INT8 model within the accuracy budget" }),
});
