import { z } from "zod";
import { estimateArchitecture } from "../ml/models/estimate";
import { describeTechnique, numberOr, type ModelSketch, type StageSketch } from "./descriptor";
import { fineTuneFields } from "./fine-tune.schema";

/**
 * A pruning schedule as plain JSON (stored with the run and in the model card); `sparsityAt` in
 * prune-schedule.ts is its pure meaning. Kinds follow tfmot: polynomial_decay = PolynomialDecay (Zhu & Gupta),
 * constant = ConstantSparsity, linear = PolynomialDecay with power 1, one_shot = prune once at beginStep.
 */
export const PruningSchedule = z
  .object({
    kind: z.enum(["polynomial_decay", "linear", "constant", "one_shot"]).default("polynomial_decay").describe("How sparsity grows during fine-tuning"),
    initialSparsity: z.number().min(0).lt(1).default(0).describe("Sparsity at beginStep (polynomial_decay, linear)"),
    finalSparsity: z.number().min(0).lt(1).default(0.5).describe("Target fraction of kernel weights set to zero"),
    beginStep: z.number().int().min(0).default(0).describe("Optimizer step at which pruning starts"),
    endStep: z
      .number()
      .int()
      .min(-1)
      .default(-1)
      .describe("Step at which the final sparsity is reached (−1: at 75% of fine-tuning, leaving the rest to recover with fixed masks)"),
    power: z.number().min(1).max(10).default(3).describe("Exponent of the polynomial decay (tfmot default 3)"),
    frequency: z.number().int().min(1).default(100).describe("Masks are recomputed every `frequency` steps (tfmot default 100)"),
  })
  .strict();
export type PruningSchedule = z.infer<typeof PruningSchedule>;

export const PruneParams = z
  .object({
    method: z
      .enum(["unstructured", "structured"])
      .default("unstructured")
      .describe("unstructured: zero the smallest weights (smaller after gzip); structured: physically remove whole channels (fewer MACs, faster)"),
    scope: z.enum(["layer", "global"]).default("layer").describe("Unstructured: rank weights within each layer, or across all layers at once"),
    schedule: PruningSchedule.prefault({}).describe("Unstructured: sparsity schedule over fine-tuning steps"),
    channelFraction: z.number().gt(0).lt(1).default(0.3).describe("Structured: fraction of channels removed from every prunable channel group"),
    criterion: z.enum(["l1", "l2"]).default("l1").describe("Structured: filter importance = L1 or L2 norm of its weights"),
    minChannels: z.number().int().min(1).default(4).describe("Structured: never keep fewer channels than this in a group"),
    allocation: z
      .enum(["uniform", "sensitivity"])
      .default("uniform")
      .describe("uniform: every layer (or channel group) at the target; sensitivity: per-layer amounts from measured pruning curves, meeting the same global target with the least predicted loss"),
    sensitivityImages: z.number().int().min(50).max(20_000).default(1000).describe("Sensitivity allocation: validation images the per-layer curves are scored on"),
    ...fineTuneFields,
  })
  .strict();
export type PruneParams = z.infer<typeof PruneParams>;

/** Structured: the input architecture with fewer channels (a bound-free estimate only for zoo architectures); unstructured: the same file, zeros inside. */
function sketchPruning(input: ModelSketch, params: Record<string, unknown>): StageSketch {
  if (params.method === "structured") {
    const fraction = numberOr(params.channelFraction, 0.3);
    const opts = input.arch && input.opts ? { ...input.opts, channelFraction: fraction } : undefined;
    return {
      model: input.arch && opts ? { ...input, opts, estimate: estimateArchitecture(input.arch, opts) } : { estimate: null },
      note: `≈ ${Math.round(fraction * 100)} % of the channels removed`,
    };
  }
  const sparsity = numberOr((params.schedule as Record<string, unknown> | undefined)?.finalSparsity, 0.5);
  return { model: input, zeroFraction: sparsity, note: `${Math.round(sparsity * 100)} % of kernel weights zero: same file, smaller after gzip` };
}

export const pruneDescriptor = describeTechnique({
  name: "prune",
  label: "Pruning",
  configSchema: PruneParams,
  sketch: sketchPruning,
  stageIssues: (params, { index }) =>
    params.allocation === "sensitivity" && params.method !== "structured" && params.scope === "global"
      ? [{ path: [index, "params", "scope"], message: 'sensitivity allocation sets each layer\'s own sparsity: use scope "layer" (global ranking is another allocation)' }]
      : [],
  fitCases: { "prune-unstructured": { method: "unstructured" }, "prune-structured": { method: "structured" } },
  fitKey: (params) => `prune-${params.method ?? "unstructured"}`,
});
