// Pruning, two ways. Unstructured: magnitude masks on every kernel, grown by a schedule during fine-tuning
// (tfmot's prune_low_magnitude; masks fixed between updates and re-applied after every optimizer step), then
// stripped (the result is a plain model whose kernels contain exact zeros). Structured: whole channels removed
// (prune-structured.ts), then fine-tuned.
// Either way the amount can be uniform (every layer or channel group at the target) or allocated from sensitivity:
// each layer's (group's) pruning curve is measured on the validation split first (sensitivity/pruning-sensitivity),
// and sensitivity/allocate-sparsity picks per-layer amounts that meet the same global target exactly with the least
// predicted loss; the chosen values are in the stage's details (`allocation`).
import * as tf from "@tensorflow/tfjs";
import { modelStats } from "../ml/model-stats";
import { recalibrateBatchNorm } from "../ml/recalibrate-batchnorm";
import { classifierObjective, fineTune, stepsPerEpoch } from "./fine-tune";
import { cloneModel } from "./model-graph";
import { applyMasks, computeMasks, disposeMasks, kernelSparsity, masksByPosition, masksFromPosition, type Masks } from "./prune-magnitude";
import { resolveSchedule, sparsityAt } from "./prune-schedule";
import { groupName, planChannelPruning, removeChannels, structuredCheck } from "./prune-structured";
import { allocate, channelGroupUnits, layerUnits, type Allocation } from "./sensitivity/allocate-sparsity";
import { scoringSetOf } from "./sensitivity/evaluate-onnx-split";
import { DEFAULT_CHANNEL_FRACTIONS, DEFAULT_SPARSITIES, pruningSensitivity } from "./sensitivity/pruning-sensitivity";
import { PruneParams, pruneDescriptor } from "./prune.schema";
import { throwIfCancelled } from "./cancel";
import type { StageResult, Technique, TechniqueContext } from "./types";

/** The stage's fine-tuning: the model's own objective, the run's settings with the stage's epochs and learning rate. */
const trainOptions = (model: tf.LayersModel, params: PruneParams) => ({
  ...classifierObjective(model),
  epochs: params.epochs,
  learningRate: params.learningRate,
  checkpoint: "prune",
});

/**
 * The measured points a curve needs to reach `target` and beyond it: the analysis' defaults plus the target and
 * halfway from it to the most a layer may lose, so every layer can take more than its share.
 */
function curvePoints(defaults: number[], target: number, ceiling: number): number[] {
  return [...new Set([...defaults, target, target + (ceiling - target) / 2].filter((x) => x > 0 && x <= ceiling).map((x) => Math.round(x * 1e6) / 1e6))].sort((a, b) => a - b);
}

/** Measure the pruning curves of `input` on the validation split and allocate `target` over `kind` units. */
async function sensitivityAllocation(input: tf.LayersModel, params: PruneParams, ctx: TechniqueContext, kind: "layers" | "channels", target: number) {
  const val = scoringSetOf(ctx.val, params.sensitivityImages);
  const sensitivity = await pruningSensitivity(input, val, {
    sparsities: kind === "layers" ? curvePoints(DEFAULT_SPARSITIES, target, 0.98) : [],
    channelFractions: kind === "channels" ? curvePoints(DEFAULT_CHANNEL_FRACTIONS, target, 0.9) : [],
    criterion: params.criterion,
    minChannels: params.minChannels,
    onStep: () => throwIfCancelled(ctx),
  });
  const allocation = allocate(kind === "layers" ? layerUnits(sensitivity) : channelGroupUnits(sensitivity), target);
  ctx.log(`prune: sensitivity allocation (${kind}) on ${val.shape[0]} validation images: predicted drop ${allocation.predictedDrop.toFixed(4)} vs uniform ${allocation.uniformPredictedDrop?.toFixed(4) ?? "n/a"}`);
  return { allocation, curves: sensitivity };
}

/** What the stage stores about an allocation: the chosen per-unit values and what they were predicted to cost. */
const allocationDetails = (a: Allocation, images: number, unit: "sparsity" | "channel fraction") => ({
  method: "sensitivity", unit, images, chosen: a.chosen, target: a.target, achieved: a.achieved,
  predictedDrop: a.predictedDrop, uniformPredictedDrop: a.uniformPredictedDrop, perUnit: a.fractions, removed: a.removed,
});

async function pruneUnstructured(input: tf.LayersModel, params: PruneParams, ctx: TechniqueContext): Promise<StageResult> {
  throwIfCancelled(ctx);
  const epochs = params.epochs ?? ctx.training.epochs;
  const totalSteps = epochs * stepsPerEpoch(ctx.train.count, ctx.training.batchSize);
  const { schedule, notes } = resolveSchedule(params.schedule, totalSteps);
  notes.forEach((n) => ctx.log(`prune: ${n}`));
  // Per-layer targets as multiples of the schedule's sparsity: the schedule's shape is kept, each layer ends at its own.
  let layerScale: Map<string, number> | undefined;
  let allocation: ReturnType<typeof allocationDetails> | undefined;
  if (params.allocation === "sensitivity" && schedule.finalSparsity > 0) {
    const { allocation: a, curves } = await sensitivityAllocation(input, params, ctx, "layers", schedule.finalSparsity);
    layerScale = new Map(Object.entries(a.fractions).map(([name, f]) => [name, f / schedule.finalSparsity]));
    allocation = allocationDetails(a, curves.images, "sparsity");
  }
  const model = await cloneModel(input);
  ctx.log(`prune: ${params.scope} magnitude, ${schedule.kind} to ${schedule.finalSparsity} (steps ${schedule.beginStep}…${schedule.endStep}, every ${schedule.frequency})`);
  let masks: Masks | undefined;
  let current = 0;
  // Before optimizer step t (t = steps already done): update masks when the schedule says so, then keep them applied.
  const maybeUpdate = (step: number) => {
    const { prune, sparsity } = sparsityAt(schedule, step);
    if (prune) {
      masks = computeMasks(model, sparsity, params.scope, masks, layerScale);
      current = sparsity;
    }
    if (masks) applyMasks(masks);
  };
  try {
    maybeUpdate(0);
    await fineTune(ctx, {
      ...trainOptions(model, params),
      afterStep: (step) => maybeUpdate(step + 1),
      epochMetrics: () => ({ sparsity: kernelSparsity(model).overall, target_sparsity: current }),
      // The masks and the sparsity they were made for, so a resumed stage keeps pruning the same weights.
      extraState: {
        save: () => ({ meta: { current }, tensors: masksByPosition(model, masks) }),
        restore: (meta, tensors) => {
          current = meta.current as number;
          masks = masksFromPosition(model, tensors, masks);
          if (masks) applyMasks(masks);
        },
      },
    });
    const measured = kernelSparsity(model);
    ctx.log(`prune: measured kernel sparsity ${(measured.overall * 100).toFixed(2)}% (target ${(schedule.finalSparsity * 100).toFixed(2)}%)`);
    return {
      model,
      precision: "fp32",
      details: { method: "unstructured", schedule, targetSparsity: schedule.finalSparsity, sparsity: measured.overall, perLayerSparsity: measured.perLayer, allocation: allocation ?? { method: "uniform" } },
    };
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    disposeMasks(masks);
  }
}

async function pruneStructured(input: tf.LayersModel, params: PruneParams, ctx: TechniqueContext): Promise<StageResult> {
  throwIfCancelled(ctx);
  let fractionOf: ((producers: string[]) => number) | undefined;
  let allocation: ReturnType<typeof allocationDetails> | undefined;
  if (params.allocation === "sensitivity") {
    const { allocation: a, curves } = await sensitivityAllocation(input, params, ctx, "channels", params.channelFraction);
    fractionOf = (producers) => a.fractions[groupName(producers)] ?? 0;
    allocation = allocationDetails(a, curves.images, "channel fraction");
  }
  const { plan, keepOf } = planChannelPruning(input, {
    fraction: params.channelFraction,
    criterion: params.criterion,
    minChannels: params.minChannels,
    ...(fractionOf ? { fractionOf: (g) => fractionOf(g.producers.map((p) => p.name)) } : {}),
  });
  const model = await removeChannels(input, keepOf);
  try {
    const before = modelStats(input);
    const after = modelStats(model);
    ctx.log(`prune: removed channels in ${plan.groups.length} groups; params ${before.params} → ${after.params}, MACs ${before.macs} → ${after.macs}`);
    // Removing channels leaves BatchNorm statistics of the old channel mix: recalibrate before fine-tuning (the
    // loop recalibrates again at its end).
    recalibrateBatchNorm(model, ctx.train, { batchSize: ctx.training.batchSize, seed: ctx.seed });
    await fineTune(ctx, trainOptions(model, params));
    return {
      model,
      precision: "fp32",
      details: {
        method: "structured",
        criterion: params.criterion,
        channelFraction: params.channelFraction,
        groups: plan.groups.map((g) => ({ producers: g.producers, channels: g.channels, kept: g.kept.length })),
        allocation: allocation ?? { method: "uniform" },
        paramsBefore: before.params, paramsAfter: after.params, macsBefore: before.macs, macsAfter: after.macs,
      },
    };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

export const prune = {
  ...pruneDescriptor,
  check: (model, params) => (params.method === "structured" ? structuredCheck(model) : null),
  apply: (model, params, ctx) => (params.method === "structured" ? pruneStructured(model, params, ctx) : pruneUnstructured(model, params, ctx)),
} satisfies Technique<PruneParams>;
