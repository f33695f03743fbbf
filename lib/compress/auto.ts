// The `auto` stage: the smallest (or fastest) INT8 model within an accuracy budget against the run's baseline,
// found within a time budget. Three searches, each measured, never estimated:
//   1. student architecture — the NAS space (nas-space.ts) sorted by cost (its INT8 file's bytes, exact before any
//      training, for size; MACs for latency),
//      searched by bisection: each probe is distilled from the baseline, quantized with accuracy control and
//      measured; within budget → try smaller, over → try larger. Accuracy grows with size, so the smallest
//      feasible student is found in log2(space) probes;
//   2. structured sparsity — a bisection over the fraction of channels removed from that student (channels, not
//      scattered zeros: the dense ONNX file and its latency only shrink when channels go), re-distilled briefly;
//   3. INT8 with accuracy control — every probe is quantized by the quantize technique with the budget left after
//      distillation (accuracy-control.ts), so the layers that cost most stay FP32 when all-INT8 would miss.
// Accuracy is validation top-1 in onnxruntime on the INT8 file (the run's test split is never seen here); size is
// that file's bytes; latency is paired with the baseline's file (paired-latency.ts). Every probe becomes a child
// run; the feasible one with the lowest cost is the stage's output.
import type * as tf from "@tensorflow/tfjs";
import { modelStats } from "../ml/model-stats";
import { recalibrateBatchNorm } from "../ml/recalibrate-batchnorm";
import { calibrate } from "../onnx/calibrate";
import { exportOnnx, exportOnnxWithPlan } from "../onnx/export";
import type { PairedSpeedup } from "../onnx/paired-speedup";
import { sizeOf } from "../onnx/size";
import { compareInt8, INT8_MIN_AGREEMENT } from "../onnx/verify";
import type { AccuracyControl } from "./accuracy-control";
import { AutoParams, autoDescriptor } from "./auto.schema";
import { throwIfCancelled } from "./cancel";
import type { ChildRun } from "./descriptor";
import { distillationLoss } from "./distill";
import { teacherLogits } from "./teacher-logits";
import { classifierObjective, fineTune } from "./fine-tune";
import { onParetoFront } from "../ml/pareto";
import { buildNasModel, configKey, type NasConfig } from "./nas-space";
import { pairedLatency } from "./paired-latency";
import { planChannelPruning, removeChannels, structuredCheck } from "./prune-structured";
import { foldBatchNorm } from "./model-graph";
import { calibrationImages, quantize, snapKernels, validationSet } from "./quantize";
import { QuantizeParams } from "./quantize.schema";
import { scoreModel, scoreOnnx } from "./sensitivity/evaluate-onnx-split";
import type { StageResult, Technique, TechniqueContext } from "./types";

export interface AutoCandidate {
  kind: "student" | "pruned";
  config: NasConfig;
  /** Fraction of channels removed from the student (0 for a plain student). */
  channelFraction: number;
  params: number;
  macs: number;
  /** Validation top-1: the distilled float model, and the INT8 file (onnxruntime). */
  floatValAccuracy: number;
  valAccuracy: number;
  /** Baseline validation top-1 − valAccuracy, percentage points. */
  accuracyDropPp: number;
  bytes: number;
  gzipBytes: number;
  latencyMs: number;
  speedup: PairedSpeedup;
  /** Layers accuracy control left FP32. */
  fp32Layers: string[];
  /** Top-1 agreement of the INT8 file with the tfjs simulation of its quantization, near-ties counted as agreeing (the runner's export check). */
  int8Agreement: number;
  feasible: boolean;
  pareto: boolean;
  chosen: boolean;
  minutes: number;
}

export interface AutoResult extends StageResult {
  candidates: AutoCandidate[];
}

interface Probe extends AutoCandidate {
  float: tf.LayersModel;
  int8: StageResult;
}

/** Images each probe's INT8 file is checked against its tfjs simulation on (as many as the stage runner checks). */
const FIDELITY_IMAGES = 1_000;

/** Images the size of an untrained student's INT8 file is found with (the file's size does not depend on them). */
const SIZING_IMAGES = 16;

/** The INT8 file's bytes: exact before training — weights are int8 whatever their values, so only the graph counts. */
async function int8Bytes(model: tf.LayersModel, images: Float32Array): Promise<number> {
  const { model: folded } = await foldBatchNorm(model);
  try {
    snapKernels(folded);
    return exportOnnx(folded, { precision: "int8", quantization: await calibrate(folded, images, { method: "minmax" }) }).byteLength;
  } finally {
    folded.dispose();
  }
}

/** Every architecture of the space with its cost — INT8 file bytes (size) or MACs (latency) — cheapest first. */
async function sortedSpace(params: AutoParams, ctx: TechniqueContext): Promise<{ config: NasConfig; cost: number }[]> {
  const images = calibrationImages(ctx.train, SIZING_IMAGES, ctx.seed);
  const out = new Map<number, { config: NasConfig; cost: number }>();
  for (const width of params.widths) for (const depth of params.depths) for (const kernel of params.kernels) for (const expansion of params.expansions) {
    const config = { width, depth, kernel, expansion };
    const model = buildNasModel(config, { inputShape: ctx.inputShape, numClasses: ctx.numClasses, seed: ctx.seed });
    try {
      const cost = params.objective === "size" ? await int8Bytes(model, images) : modelStats(model).macs;
      if (!out.has(cost)) out.set(cost, { config, cost });
    } finally {
      model.dispose();
    }
  }
  return [...out.values()].sort((a, b) => a.cost - b.cost);
}

async function apply(input: tf.LayersModel, params: AutoParams, ctx: TechniqueContext): Promise<AutoResult> {
  throwIfCancelled(ctx);
  const started = Date.now();
  const deadline = started + params.budgetMinutes * 60_000;
  const fraction = () => Math.min(0.99, (Date.now() - started) / (deadline - started));
  const quiet: TechniqueContext = { ...ctx, onProgress: async () => {}, onEpochEnd: undefined, log: () => {} };
  const val = validationSet(ctx);
  const pixels = ctx.inputShape.reduce((a, b) => a * b, 1);
  // Agreement needs no labels: training images, as many as the runner checks on (the validation split may be small).
  const fidelity = calibrationImages(ctx.train, FIDELITY_IMAGES, ctx.seed + 3);
  const baselineVal = (await scoreModel(ctx.baseline, { precision: "fp32" }, val)).accuracy;
  const budget = params.maxAccuracyDrop / 100;
  const baseStats = modelStats(ctx.baseline);
  // Students cheaper than the baseline; should the space hold none, all of it (the measurements will say so).
  const everything = await sortedSpace(params, ctx);
  const baseCost = params.objective === "size" ? exportOnnx(ctx.baseline, { precision: "fp32" }).byteLength : baseStats.macs;
  const smaller = everything.filter((s) => s.cost < baseCost);
  const space = smaller.length ? smaller : everything;
  if (!smaller.length) ctx.log(`auto: no student of the space is cheaper than the baseline (${params.objective === "size" ? "FP32 bytes" : "MACs"} ${baseCost}); searching all of it`);
  ctx.log(`auto: baseline validation top-1 ${(baselineVal * 100).toFixed(2)}%, budget ${params.maxAccuracyDrop} pp, objective ${params.objective}, ${space.length} students in the space, ${params.budgetMinutes} min`);

  const probes: Probe[] = [];
  // One teacher for every probe: its logits over the training split are computed once (teacher-logits.ts).
  const teach = await teacherLogits(ctx.baseline, ctx, ctx.train);
  const distil = async (student: tf.LayersModel, epochs: number | undefined, salt: number) => {
    await fineTune(
      { ...ctx, onProgress: (p) => ctx.onProgress({ ...p, phase: "training", stageFraction: fraction() }) },
      {
        ...classifierObjective(student),
        epochs,
        record: false,
        seedOffset: salt,
        // The baseline teaches in inference mode and gets no gradient.
        loss: (batch) =>
          distillationLoss(batch.logits, teach(batch), batch.labels, { temperature: params.temperature, alpha: params.alpha, numClasses: ctx.numClasses, labelSmoothing: ctx.training.labelSmoothing }),
      },
    );
  };

  /** Quantize (accuracy control with what distillation left of the budget) and measure one distilled model. */
  const measure = async (float: tf.LayersModel, kind: Probe["kind"], config: NasConfig, channelFraction: number, t0: number): Promise<Probe> => {
    throwIfCancelled(ctx);
    const floatValAccuracy = (await scoreModel(float, { precision: "fp32" }, val)).accuracy;
    const leftPp = params.maxAccuracyDrop - (baselineVal - floatValAccuracy) * 100;
    // A float model already over budget cannot be rescued by leaving layers FP32: plain all-INT8, measured.
    const int8 = await quantize.apply(float, QuantizeParams.parse({
      mode: "ptq", calibration: params.calibration, calibrationImages: params.calibrationImages, ...(leftPp >= 0 ? { maxAccuracyDrop: leftPp } : {}),
    }), quiet);
    const control = int8.details?.accuracyControl as AccuracyControl | undefined;
    const { bytes: onnx, plan } = exportOnnxWithPlan(int8.model, { precision: "int8", quantization: int8.quantization });
    // The stage runner refuses a file that disagrees with the tfjs simulation of its quantization: a probe whose file
    // would be refused is measured and listed, but not chosen.
    const agreement = (await compareInt8(int8.model, onnx, plan!, fidelity, [fidelity.length / pixels, ...ctx.inputShape])).agreementBeyondTies!;
    const valAccuracy = control?.accuracy ?? (await scoreOnnx(onnx, val)).accuracy;
    const { latencyMs, speedup } = await pairedLatency(ctx, onnx);
    const stats = modelStats(int8.model);
    const { bytes, gzipBytes } = sizeOf(onnx);
    const probe: Probe = {
      kind, config, channelFraction, params: stats.params, macs: stats.macs, floatValAccuracy, valAccuracy,
      accuracyDropPp: (baselineVal - valAccuracy) * 100, bytes, gzipBytes, latencyMs, speedup,
      fp32Layers: int8.quantization?.fp32Layers ?? [], int8Agreement: agreement, feasible: baselineVal - valAccuracy <= budget + 1e-12,
      pareto: false, chosen: false, minutes: (Date.now() - t0) / 60_000, float, int8,
    };
    probes.push(probe);
    ctx.log(`auto: ${kind} ${configKey(config)}${channelFraction ? ` −${(channelFraction * 100).toFixed(0)} % channels` : ""}: ${stats.params} params, float ${(floatValAccuracy * 100).toFixed(2)}% → INT8 ${(valAccuracy * 100).toFixed(2)}% (${probe.fp32Layers.length} FP32 layers), ${bytes} B, ${latencyMs.toFixed(3)} ms — ${probe.feasible ? "within" : "over"} budget (${probe.minutes.toFixed(1)} min)`);
    await ctx.onProgress({ phase: "searching", stageFraction: fraction() });
    return probe;
  };

  // No new probe once what is left of the budget is less than the last probe took (the first always runs).
  const fits = (last: Probe | undefined) => !last || Date.now() + last.minutes * 60_000 <= deadline;
  let stoppedBy: "done" | "time" = "done";
  try {
    // 1. Student architecture: bisection over the space sorted by cost.
    let [lo, hi] = [0, space.length - 1];
    let best: Probe | undefined;
    for (let n = 0; lo <= hi && n < params.students; n++) {
      if (!fits(probes.at(-1))) { stoppedBy = "time"; break; }
      const mid = Math.floor((lo + hi) / 2);
      const t0 = Date.now();
      const student = buildNasModel(space[mid].config, { inputShape: ctx.inputShape, numClasses: ctx.numClasses, seed: ctx.seed + 1 + n });
      try {
        await distil(student, params.epochs, n);
      } catch (e) {
        student.dispose();
        throw e;
      }
      const p = await measure(student, "student", space[mid].config, 0, t0);
      if (p.feasible) [best, hi] = [p, mid - 1];
      else lo = mid + 1;
    }

    // 2. Structured sparsity on the smallest feasible student: bisection over the fraction of channels removed.
    if (best && params.sparsitySteps > 0 && structuredCheck(best.float) === null) {
      let [fLo, fHi] = [0, params.maxChannelFraction];
      for (let n = 0; n < params.sparsitySteps; n++) {
        if (!fits(probes.at(-1))) { stoppedBy = "time"; break; }
        const f = (fLo + fHi) / 2;
        const t0 = Date.now();
        const { keepOf } = planChannelPruning(best.float, { fraction: f, criterion: "l1", minChannels: 4 });
        const pruned = await removeChannels(best.float, keepOf);
        try {
          recalibrateBatchNorm(pruned, ctx.train, { batchSize: ctx.training.batchSize, seed: ctx.seed });
          await distil(pruned, params.fineTuneEpochs, 100 + n);
        } catch (e) {
          pruned.dispose();
          throw e;
        }
        const p = await measure(pruned, "pruned", best.config, f, t0);
        if (p.feasible) fLo = f;
        else fHi = f;
      }
    }

    // The feasible probe with the lowest cost (ties: the more accurate); none feasible: the most accurate, said so.
    const costOf = (p: Probe) => (params.objective === "size" ? p.bytes : p.latencyMs);
    const verifies = probes.filter((p) => p.int8Agreement >= INT8_MIN_AGREEMENT);
    const feasible = verifies.filter((p) => p.feasible);
    // Within budget but no file verified (the agreement check is noisy near its 99 %): the within-budget probe whose
    // file agrees best, the likeliest to pass the stage's own check on the test images.
    const withinBudget = probes.filter((p) => p.feasible);
    const chosen = feasible.length
      ? feasible.reduce((a, b) => (costOf(b) < costOf(a) || (costOf(b) === costOf(a) && b.valAccuracy > a.valAccuracy) ? b : a))
      : withinBudget.length
        ? withinBudget.reduce((a, b) => (b.int8Agreement > a.int8Agreement ? b : a))
        : (verifies.length ? verifies : probes).reduce((a, b) => (b.valAccuracy > a.valAccuracy ? b : a));
    chosen.chosen = true;
    onParetoFront(probes.map((p) => ({ x: costOf(p), y: p.valAccuracy }))).forEach((on, i) => (probes[i].pareto = on));
    const minutes = (Date.now() - started) / 60_000;
    const why = feasible.length ? "" : withinBudget.length ? ` — no within-budget probe's INT8 file agreed with its simulation on ≥ ${INT8_MIN_AGREEMENT * 100} % of training images: the one that agreed best` : verifies.length ? " — no probe met the accuracy budget: the most accurate one" : ` — no probe's INT8 file agrees with its tfjs simulation on ≥ ${INT8_MIN_AGREEMENT * 100} % of images (the stage's export check will say so): the most accurate one`;
    ctx.log(`auto: chose ${chosen.kind} ${configKey(chosen.config)}${chosen.channelFraction ? ` −${(chosen.channelFraction * 100).toFixed(0)} % channels` : ""} (${chosen.bytes} B, INT8 validation ${(chosen.valAccuracy * 100).toFixed(2)}%)${why}; ${probes.length} probes in ${minutes.toFixed(1)} min`);
    const { float: _f, int8: _i, ...summary } = chosen;
    return {
      model: chosen.int8.model, precision: "int8", quantization: chosen.int8.quantization,
      candidates: probes.map(({ float: _float, int8: _int8, ...c }) => c),
      details: {
        objective: params.objective, maxAccuracyDrop: params.maxAccuracyDrop, baselineValAccuracy: baselineVal, validationImages: val.shape[0],
        withinBudget: withinBudget.length > 0, probes: probes.length, verifiedProbes: verifies.length, studentsInSpace: space.length, stoppedBy, minutes, budgetMinutes: params.budgetMinutes,
        chosen: summary, accuracyControl: chosen.int8.details?.accuracyControl,
      },
    };
  } finally {
    for (const p of probes) {
      p.float.dispose();
      if (!p.chosen) p.int8.model.dispose();
    }
  }
}

/** Every probe as a child run: what it is (student or pruned student), and what was measured of its INT8 file. */
function childRuns(result: AutoResult): ChildRun[] {
  return result.candidates.map((c) => ({
    status: "succeeded",
    stage: {
      status: "succeeded",
      params: { kind: c.kind, ...c.config, channelFraction: c.channelFraction },
      precision: "int8",
      measured: {
        paramCount: c.params, macs: c.macs, sizeBytes: c.bytes, gzipBytes: c.gzipBytes, latencyP50Ms: c.latencyMs,
        speedup: c.speedup.median, speedupLow: c.speedup.low, speedupHigh: c.speedup.high,
      },
      // Validation accuracy, not test: it goes to details and the stage's accuracy column stays empty.
      details: {
        autoCandidate: true, kind: c.kind, valAccuracy: c.valAccuracy, floatValAccuracy: c.floatValAccuracy, accuracyDropPp: c.accuracyDropPp,
        fp32Layers: c.fp32Layers, int8Agreement: c.int8Agreement, feasible: c.feasible, pareto: c.pareto, chosen: c.chosen, minutes: c.minutes,
      },
    },
  }));
}

export const auto = {
  ...autoDescriptor,
  // Its output is INT8: the students it builds must export (they are zoo-style MobileNetV2 blocks, always
  // exportable); the baseline only teaches, so nothing of it needs checking.
  apply,
  childRuns,
} satisfies Technique<AutoParams, AutoResult>;
