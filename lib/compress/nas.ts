// Architecture search over the MobileNetV2-style space of nas-space.ts under a user budget (parameters, MACs
// or onnxruntime-node batch-1 latency, paired with the baseline's). Candidates are sampled (random, or evolution: mutations of the best
// first-rung candidates), infeasible ones are recorded but never trained, feasible ones are ranked by short
// training proxies with successive halving (Jamieson & Talwalkar; keep 1/eta, train eta× longer), and the
// survivor is trained fully from scratch.
import * as tf from "@tensorflow/tfjs";
import type { ImageSplit } from "../ml/data/types";
import { subset } from "../ml/data/subset";
import { modelStats } from "../ml/model-stats";
import { exportOnnx } from "../onnx/export";
import { accuracyOn } from "../ml/evaluate";
import { classifierObjective, fineTune, stepsPerEpoch } from "./fine-tune";
import { onParetoFront } from "../ml/pareto";
import { buildNasModel, configKey, configSampler, type NasConfig } from "./nas-space";
import { NasParams, nasDescriptor } from "./nas.schema";
import { pairedLatency } from "./paired-latency";
import { throwIfCancelled } from "./cancel";
import type { ChildRun } from "./descriptor";
import type { NasCandidate, NasResult, Technique, TechniqueContext } from "./types";

/** Validation images used to rank proxies (enough to separate candidates, cheap to score). */
const PROXY_VAL_IMAGES = 1_000;
/** A candidate's paired latency (paired-latency.ts), from its FP32 export. */
const pairedLatencyMs = async (ctx: TechniqueContext, model: tf.LayersModel) => (await pairedLatency(ctx, exportOnnx(model, { precision: "fp32" }))).latencyMs;

interface Entry {
  config: NasConfig;
  params: number;
  macs: number;
  latencyMs?: number;
  feasible: boolean;
  model?: tf.LayersModel;
  /** Proxy validation accuracy per rung reached. */
  rungs: number[];
}

async function measureCost(config: NasConfig, ctx: TechniqueContext, budget: NasParams["budget"]): Promise<Entry> {
  const model = buildNasModel(config, { inputShape: ctx.inputShape, numClasses: ctx.numClasses, seed: ctx.seed });
  const stats = modelStats(model);
  let latencyMs: number | undefined;
  if (budget.kind === "latencyMs") {
    // Measured once per candidate and kept: a resumed search must judge a candidate as the first attempt did.
    const key = `nas-latency/${configKey(config)}`;
    const saved = await ctx.checkpoints?.load(key);
    if (saved) latencyMs = saved.meta.latencyMs as number;
    else {
      latencyMs = await pairedLatencyMs(ctx, model);
      await ctx.checkpoints?.save(key, { latencyMs }, {});
    }
  }
  const cost = budget.kind === "params" ? stats.params : budget.kind === "macs" ? stats.macs : latencyMs!;
  const feasible = cost <= budget.max;
  if (!feasible) model.dispose();
  return { config, params: stats.params, macs: stats.macs, latencyMs, feasible, model: feasible ? model : undefined, rungs: [] };
}

const costOf = (e: Entry, kind: NasParams["budget"]["kind"]) => (kind === "params" ? e.params : kind === "macs" ? e.macs : e.latencyMs!);

/**
 * One successive-halving rung of a candidate: train its proxy `steps` more steps, then score it. Each result (the
 * weights and the accuracy) is checkpointed, so a resumed search replays its seeded sampling with the same results
 * and never trains a finished candidate again: which candidates, their accuracies, their rungs and the sampler's
 * random state all follow from the run's seed and those results.
 */
async function trainProxy(e: Entry, steps: number, proxyTrain: ImageSplit, proxyVal: ImageSplit, ctx: TechniqueContext, salt: number): Promise<void> {
  const model = e.model!;
  const rung = e.rungs.length;
  const key = `nas-proxy/${configKey(e.config)}/rung-${rung}`;
  const saved = await ctx.checkpoints?.load(key);
  if (saved) {
    const weights = model.weights.map((_, i) => saved.tensors[`w/${i}`]);
    try {
      model.setWeights(weights);
    } finally {
      tf.dispose(Object.values(saved.tensors));
    }
    e.rungs.push(saved.meta.accuracy as number);
    ctx.log(`nas: ${configKey(e.config)} rung ${rung} restored from its checkpoint`);
    return;
  }
  await fineTune(ctx, {
    epochs: Math.ceil(steps / stepsPerEpoch(proxyTrain.count, ctx.training.batchSize)),
    maxSteps: steps,
    ...classifierObjective(model),
    train: proxyTrain,
    skipValidation: true,
    record: false,
    seedOffset: salt,
  });
  const accuracy = accuracyOn((x) => model.predict(x) as tf.Tensor2D, proxyVal);
  e.rungs.push(accuracy);
  ctx.log(`nas: ${configKey(e.config)} rung ${rung} trained`);
  await ctx.checkpoints?.save(key, { accuracy }, Object.fromEntries(model.getWeights().map((w, i) => [`w/${i}`, w])));
}

async function apply(_input: tf.LayersModel, params: NasParams, ctx: TechniqueContext): Promise<NasResult> {
  throwIfCancelled(ctx);
  const { budget } = params;
  const sampler = configSampler(params, ctx.seed);
  const proxyTrain = subset(ctx.train, params.proxyImages, ctx.seed + 11);
  const proxyVal = subset(ctx.val, PROXY_VAL_IMAGES, ctx.seed + 12);
  const firstRungSteps = Math.max(1, Math.round(params.proxyEpochs * stepsPerEpoch(proxyTrain.count, ctx.training.batchSize)));
  const entries: Entry[] = [];
  const seen = new Set<string>();
  const feasible = () => entries.filter((e) => e.feasible);
  const progress = (f: number) => ctx.onProgress({ phase: "searching", stageFraction: 0.5 * Math.min(1, f) });
  let salt = 0;

  /** Sample until `count` more feasible candidates are trained at rung 0 (or the space is exhausted). */
  const addCandidates = async (count: number, next: () => NasConfig) => {
    const target = feasible().length + count;
    for (let attempts = 0; feasible().length < target && attempts < params.candidates * 30; attempts++) {
      throwIfCancelled(ctx);
      const config = next();
      if (seen.has(configKey(config))) continue;
      seen.add(configKey(config));
      const e = await measureCost(config, ctx, budget);
      entries.push(e);
      if (!e.feasible) continue;
      await trainProxy(e, firstRungSteps, proxyTrain, proxyVal, ctx, ++salt);
      ctx.log(`nas: ${configKey(config)} params ${e.params} MACs ${e.macs}${e.latencyMs ? ` ${e.latencyMs.toFixed(3)} ms` : ""} → proxy val ${(e.rungs[0] * 100).toFixed(1)}%`);
      await progress(feasible().length / params.candidates / 2);
    }
  };

  try {
    if (params.strategy === "random") {
      await addCandidates(params.candidates, sampler.sample);
    } else {
      // Evolution: a random half, then mutations of a tournament winner among the first-rung results.
      await addCandidates(Math.ceil(params.candidates / 2), sampler.sample);
      await addCandidates(params.candidates - feasible().length, () => {
        // Binary tournament on first-rung accuracy, then one knob mutated.
        const [a, b] = [sampler.choose(feasible()), sampler.choose(feasible())];
        return sampler.mutate(a.rungs[0] >= b.rungs[0] ? a.config : b.config);
      });
    }
    if (!feasible().length) {
      throw new Error(`nas: no architecture of the search space fits the budget (${budget.kind} ≤ ${budget.max}); the smallest sampled had ${budget.kind} ${Math.min(...entries.map((e) => costOf(e, budget.kind)))}`);
    }
    // Successive halving: keep the best 1/eta, train them eta× longer (cumulatively), until one is left.
    let survivors = feasible();
    for (let rung = 1, steps = firstRungSteps; survivors.length > 1; rung++) {
      survivors = [...survivors].sort((a, b) => b.rungs.at(-1)! - a.rungs.at(-1)!).slice(0, Math.max(1, Math.floor(survivors.length / params.eta)));
      if (survivors.length === 1) break;
      const more = steps * params.eta - steps;
      steps *= params.eta;
      for (const e of survivors) await trainProxy(e, more, proxyTrain, proxyVal, ctx, ++salt);
      await progress(0.5 + rung / 10);
    }
    const best = survivors.sort((a, b) => b.rungs.at(-1)! - a.rungs.at(-1)!)[0];
    ctx.log(`nas: chose ${configKey(best.config)} (${budget.kind} ${costOf(best, budget.kind)} ≤ ${budget.max}); training it fully`);

    const final = buildNasModel(best.config, { inputShape: ctx.inputShape, numClasses: ctx.numClasses, seed: ctx.seed + 1 });
    try {
      await fineTune(ctx, {
        epochs: params.epochs,
        ...classifierObjective(final),
        stageFraction: (f) => 0.5 + 0.5 * f,
        checkpoint: "nas-final",
      });
    } catch (e) {
      final.dispose();
      throw e;
    }

    // Pareto set over first-rung accuracy (every trained candidate has it, so they compare fairly) and cost.
    const trained = feasible();
    const front = onParetoFront(trained.map((e) => ({ x: costOf(e, budget.kind), y: e.rungs[0] })));
    const candidates: NasCandidate[] = entries.map((e) => ({
      config: { ...e.config },
      rungs: e.rungs,
      chosen: e === best,
      params: e.params,
      macs: e.macs,
      ...(e.latencyMs !== undefined ? { latencyMs: e.latencyMs } : {}),
      valAccuracy: e.rungs[0] ?? 0,
      pareto: e.feasible ? front[trained.indexOf(e)] : false,
      feasible: e.feasible,
    }));
    return { model: final, precision: "fp32", candidates, details: { chosen: best.config, budget, strategy: params.strategy, sampled: entries.length, feasible: trained.length, firstRungSteps } };
  } finally {
    for (const e of entries) e.model?.dispose();
  }
}

/**
 * Every sampled architecture as a child run with what was measured of it: parameters, MACs, latency (when the
 * budget is latency), the proxy validation accuracy of each rung, feasibility and Pareto membership. The proxy
 * accuracy is validation accuracy after a short training, not test accuracy, so it goes to details and the stage's
 * accuracy stays empty.
 */
function childRuns(result: NasResult): ChildRun[] {
  return result.candidates.map((c) => ({
    status: c.feasible ? "succeeded" : "cancelled",
    ...(c.feasible ? {} : { reason: "Over the NAS budget: measured, not trained." }),
    stage: {
      status: c.feasible ? "succeeded" : "failed",
      params: c.config,
      precision: "fp32",
      measured: { paramCount: c.params, macs: c.macs, ...(c.latencyMs != null ? { latencyP50Ms: c.latencyMs } : {}) },
      details: { nasCandidate: true, valAccuracy: c.valAccuracy, rungs: c.rungs, pareto: c.pareto, feasible: c.feasible, chosen: c.chosen },
    },
  }));
}

export const nas = {
  ...nasDescriptor,
  apply,
  childRuns,
} satisfies Technique<NasParams, NasResult>;
