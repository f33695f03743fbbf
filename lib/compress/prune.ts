// Pruning, two ways. Unstructured: magnitude masks on every kernel, grown by a schedule during fine-tuning
// (tfmot's prune_low_magnitude; masks fixed between updates and re-applied after every optimizer step), then
// stripped (the result is a plain model whose kernels contain exact zeros). Structured: whole channels removed
// (prune-structured.ts), then fine-tuned.
import * as tf from "@tensorflow/tfjs";
import { modelStats } from "../ml/model-stats";
import { recalibrateBatchNorm } from "../ml/recalibrate-batchnorm";
import { classifierObjective, fineTune, stepsPerEpoch } from "./fine-tune";
import { cloneModel } from "./model-graph";
import { applyMasks, computeMasks, disposeMasks, kernelSparsity, masksByPosition, masksFromPosition, type Masks } from "./prune-magnitude";
import { resolveSchedule, sparsityAt } from "./prune-schedule";
import { planChannelPruning, removeChannels, structuredCheck } from "./prune-structured";
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

async function pruneUnstructured(input: tf.LayersModel, params: PruneParams, ctx: TechniqueContext): Promise<StageResult> {
  throwIfCancelled(ctx);
  const model = await cloneModel(input);
  const epochs = params.epochs ?? ctx.training.epochs;
  const totalSteps = epochs * stepsPerEpoch(ctx.train.count, ctx.training.batchSize);
  const { schedule, notes } = resolveSchedule(params.schedule, totalSteps);
  notes.forEach((n) => ctx.log(`prune: ${n}`));
  ctx.log(`prune: ${params.scope} magnitude, ${schedule.kind} to ${schedule.finalSparsity} (steps ${schedule.beginStep}…${schedule.endStep}, every ${schedule.frequency})`);
  let masks: Masks | undefined;
  let current = 0;
  // Before optimizer step t (t = steps already done): update masks when the schedule says so, then keep them applied.
  const maybeUpdate = (step: number) => {
    const { prune, sparsity } = sparsityAt(schedule, step);
    if (prune) {
      masks = computeMasks(model, sparsity, params.scope, masks);
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
    return { model, precision: "fp32", details: { method: "unstructured", schedule, targetSparsity: schedule.finalSparsity, sparsity: measured.overall, perLayerSparsity: measured.perLayer } };
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    disposeMasks(masks);
  }
}

async function pruneStructured(input: tf.LayersModel, params: PruneParams, ctx: TechniqueContext): Promise<StageResult> {
  throwIfCancelled(ctx);
  const { plan, keepOf } = planChannelPruning(input, { fraction: params.channelFraction, criterion: params.criterion, minChannels: params.minChannels });
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
