// A run's pipeline: an ordered list of stages, each `{ technique, params }`. The union is assembled from
// each technique's params schema; the form, the API and the worker all validate with it.
import { z } from "zod";
import { CompressionStage, pipelineIssues } from "../compress/schemas";
import { LrSchedule } from "../ml/schedules";

export const TrainingConfig = z.object({
  epochs: z.number().int().min(1, "at least 1 epoch").max(100, "at most 100 epochs").default(1),
  batchSize: z.number().int().min(8).max(512).default(64),
  learningRate: z.number().gt(0, "must be positive").max(1).default(0.001),
  optimizer: z.enum(["adam", "adamw", "sgd"]).default("adam"),
  momentum: z.number().min(0).lt(1).default(0.9),
  nesterov: z.boolean().default(false),
  weightDecay: z.number().min(0).max(0.5).optional(),
  schedule: LrSchedule.default({ kind: "constant" }),
  labelSmoothing: z.number().min(0).max(0.5).default(0),
  augment: z
    .union([z.enum(["off", "auto"]), z.object({ cropPadding: z.number().int().min(0).max(16).default(0), horizontalFlip: z.boolean().default(false) })])
    .default("off"),
  earlyStopping: z.object({ patience: z.number().int().min(1).max(50), minDelta: z.number().min(0).max(0.1).default(0), restoreBest: z.boolean().default(true) }).optional(),
  /** Train on a seeded random subset of this many images (all when absent). */
  trainLimit: z.number().int().min(100, "at least 100 images").max(1_000_000).optional(),
  /** Evaluate on this many test images (the whole test split when absent). */
  testLimit: z.number().int().min(100).max(1_000_000).optional(),
});
export type TrainingConfig = z.infer<typeof TrainingConfig>;

/** The baseline trains the experiment's architecture from scratch, or loads an uploaded model (POST /api/models). */
export const BaselineParams = z
  .object({
    modelId: z.string().trim().min(1).max(200).optional().describe("An uploaded model to start from instead of training the architecture"),
    fineTuneEpochs: z.number().int().min(0).max(100).optional().describe("Fine-tune the uploaded model this many epochs on the dataset first (default 0)"),
  })
  .strict()
  .refine((p) => p.fineTuneEpochs === undefined || p.modelId !== undefined, { path: ["fineTuneEpochs"], message: "fineTuneEpochs needs a modelId (a trained-from-scratch baseline uses training.epochs)" });
export type BaselineParams = z.infer<typeof BaselineParams>;

export const BaselineStage = z.object({
  technique: z.literal("baseline"),
  params: BaselineParams.prefault({}),
});

/** One stage: the baseline, or a compression technique with its params (lib/compress/*.schema.ts). */
export const PipelineStage = z.discriminatedUnion("technique", [BaselineStage, ...CompressionStage.options]);
export type PipelineStage = z.infer<typeof PipelineStage>;

export const Pipeline = z
  .array(PipelineStage)
  .min(1, "a pipeline has at least one stage")
  .max(12, "at most 12 stages")
  .superRefine((stages, ctx) => {
    if (stages[0]?.technique !== "baseline") {
      ctx.addIssue({ code: "custom", path: [0, "technique"], message: "the first stage must be the baseline (train the model to compress)" });
    }
    for (const issue of pipelineIssues(stages)) ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
  })
  .default([{ technique: "baseline", params: {} }]);
export type Pipeline = z.infer<typeof Pipeline>;

/** The stage whose model a stage starts from: `from`, or the previous one. */
export const sourceStageOf = (stage: PipelineStage, index: number): number => ("from" in stage && stage.from !== undefined ? stage.from : index - 1);

export const Requirements = z.object({
  /** Largest acceptable top-1 accuracy drop against the baseline, as a fraction (0.05 = 5 pp). */
  maxAccuracyDrop: z.number().min(0).max(1).default(0.05),
  /** Smallest acceptable latency reduction against the baseline, as a fraction. */
  minLatencyReduction: z.number().min(0).lt(1).default(0.4),
  /** Smallest acceptable size reduction against the baseline, as a fraction. */
  minSizeReduction: z.number().min(0).lt(1).default(0.3),
});
export type Requirements = z.infer<typeof Requirements>;
