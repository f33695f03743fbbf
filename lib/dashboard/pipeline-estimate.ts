// What each stage of a draft pipeline will make, before anything is trained: parameters, MACs and the exported
// file's size, from the architecture alone (lib/ml/models/estimate.ts, no TensorFlow.js — the form runs this in
// the browser). Exact for the baseline and distillation students; structured pruning and NAS are bounds.
import { Architecture } from "../ml/models/architecture";
import { estimateArchitecture, estimateFileBytes, type ArchitectureOptions, type ModelEstimate } from "../ml/models/estimate";
import type { DataShape, DraftStage } from "./presets";

export interface StageEstimate {
  index: number;
  technique: string;
  /** null when the stage's result cannot be known before it runs (e.g. structured pruning of a NAS result). */
  params: number | null;
  macs: number | null;
  /** Parameters that are not zero (unstructured pruning keeps the count and zeroes kernel weights). */
  nonzeroParams: number | null;
  /** Bytes of the file the stage exports (INT8 for quantize, FP32 otherwise). */
  fileBytes: number | null;
  /** The model's file either way (the form shows both). */
  fp32Bytes: number | null;
  int8Bytes: number | null;
  precision: "fp32" | "int8";
  /** How the numbers were obtained when they are not exact. */
  note?: string;
}

/** A stage's model as far as it is known: a zoo architecture with options, or only its size. */
interface Known {
  arch?: Architecture;
  opts?: ArchitectureOptions;
  estimate: ModelEstimate | null;
  bound?: boolean;
}

const num = (v: unknown, fallback: number) => (typeof v === "number" && Number.isFinite(v) ? v : fallback);

export function estimatePipeline(stages: DraftStage[], arch: Architecture, shape: DataShape): StageEstimate[] {
  const known: Known[] = [];
  return stages.map((stage, index): StageEstimate => {
    const p = stage.params ?? {};
    const source = known[stage.from ?? index - 1] ?? { estimate: null };
    let k: Known = source;
    let precision: "fp32" | "int8" = "fp32";
    let note: string | undefined;
    let zeroFraction = 0;
    if (stage.technique === "baseline") {
      k = { arch, opts: shape, estimate: estimateArchitecture(arch, shape) };
    } else if (stage.technique === "distill" && p.student !== "input") {
      const student = Architecture.safeParse(p.student ?? "mobilenet-v2");
      if (student.success) {
        const opts = { ...shape, width: num(p.width, 0.5), depth: num(p.depth, 3) };
        // zoo.ts: only MobileNetV2 and ResNet take width/depth; the others ignore them.
        const used = student.data === "mobilenet-v2" || student.data === "resnet" ? opts : shape;
        k = { arch: student.data, opts: used, estimate: estimateArchitecture(student.data, used) };
      }
    } else if (stage.technique === "prune" && p.method === "structured") {
      const fraction = num(p.channelFraction, 0.3);
      k = source.arch && source.opts ? { ...source, opts: { ...source.opts, channelFraction: fraction }, estimate: estimateArchitecture(source.arch, { ...source.opts, channelFraction: fraction }) } : { estimate: null };
      note = `≈ ${Math.round(fraction * 100)} % of the channels removed`;
    } else if (stage.technique === "prune") {
      const sparsity = num((p.schedule as Record<string, unknown> | undefined)?.finalSparsity, 0.5);
      zeroFraction = sparsity;
      note = `${Math.round(sparsity * 100)} % of kernel weights zero: same file, smaller after gzip`;
    } else if (stage.technique === "quantize") {
      precision = "int8";
    } else if (stage.technique === "auto") {
      k = { estimate: null };
      precision = "int8";
      note = "size known after the search: the smallest INT8 model within the accuracy budget";
    } else if (stage.technique === "nas") {
      const budget = (p.budget ?? {}) as Record<string, unknown>;
      if ((budget.kind ?? "params") === "params") {
        const max = num(budget.max, 100_000);
        const base = known[0]?.estimate;
        // An upper bound shaped like the baseline: the parameter budget at the baseline's MACs per parameter.
        k = { estimate: base ? { ...base, params: max, macs: Math.round((base.macs / base.params) * max), foldedBatchNormChannels: 0 } : null, bound: true };
        note = `at most ${max.toLocaleString("en-US")} parameters (the search's budget)`;
      } else {
        k = { estimate: null };
        note = `budget on ${budget.kind}: size known after the search`;
      }
    }
    known[index] = k;
    const e = k.estimate;
    const files = e ? estimateFileBytes(e) : null;
    return {
      index, technique: stage.technique,
      params: e?.params ?? null,
      macs: e && !k.bound ? e.macs : null,
      // Kernels are what is left after BatchNorm's four vectors per channel (biases are a rounding error here).
      nonzeroParams: e ? Math.round(e.params - zeroFraction * (e.params - 4 * e.foldedBatchNormChannels)) : null,
      fileBytes: files ? (precision === "int8" ? files.int8 : files.fp32) : null,
      fp32Bytes: files?.fp32 ?? null,
      int8Bytes: files?.int8 ?? null,
      precision,
      ...(note ? { note } : {}),
    };
  });
}
