// What each stage of a draft pipeline will make, before anything is trained: parameters, MACs and the exported
// file's size, from the architecture alone (lib/ml/models/estimate.ts, no TensorFlow.js — the form runs this in
// the browser). Exact for the baseline and distillation students; structured pruning and NAS are bounds. What a
// technique makes of its input is its descriptor's `sketch` (lib/compress/*.schema.ts).
import { descriptorOf } from "../compress/catalog";
import type { ModelSketch, StageSketch } from "../compress/descriptor";
import type { Architecture } from "../ml/models/architecture";
import { estimateArchitecture, estimateFileBytes } from "../ml/models/estimate";
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

export function estimatePipeline(stages: DraftStage[], arch: Architecture, shape: DataShape): StageEstimate[] {
  const known: ModelSketch[] = [];
  return stages.map((stage, index): StageEstimate => {
    const source = known[stage.from ?? index - 1] ?? { estimate: null };
    // The baseline trains the architecture; every technique says what it makes of its input (descriptor.sketch).
    const made: StageSketch =
      stage.technique === "baseline"
        ? { model: { arch, opts: shape, estimate: estimateArchitecture(arch, shape) } }
        : (descriptorOf(stage.technique)?.sketch?.(source, stage.params ?? {}, { baseline: known[0] ?? { estimate: null }, data: shape }) ?? { model: source });
    const { model: k, precision = "fp32", zeroFraction = 0, note } = made;
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
