// The contract between a compression technique and the stage runner (lib/pipeline). A technique gets a model
// and a context, returns a NEW model (never mutating or disposing its input) plus what the exporter needs.
import type * as tf from "@tensorflow/tfjs";
import type { z } from "zod";
import type { ImageSplit } from "../ml/data/types";
import type { CheckpointStore } from "../ml/checkpoint-store";
import type { TrainingSetup, TrainSettings } from "../ml/train";
import type { QuantizationParams } from "../onnx/quantize";
import type { ChildRun, TechniqueDescriptor } from "./descriptor";

export interface TechniqueProgress {
  phase: "training" | "calibrating" | "searching" | "evaluating";
  epoch?: number;
  epochs?: number;
  batch?: number;
  batches?: number;
  loss?: number;
  accuracy?: number;
  imagesPerSec?: number;
  /** 0..1 of this stage's work. */
  stageFraction: number;
}

export interface TechniqueContext {
  train: ImageSplit;
  val: ImageSplit;
  numClasses: number;
  seed: number;
  /** The run's training settings, all of them: every training loop of the stage uses them (a technique's own
   *  epochs and learning rate take precedence where it has them). */
  training: TrainSettings;
  /** Where the stage's training loops checkpoint each epoch (and NAS its evaluated candidates), so a killed worker
   *  resumes the stage; absent: no resume. */
  checkpoints?: CheckpointStore;
  /** Told what each training loop of the stage trains with (the stage runner records it in the stage's details). */
  onTrainingSetup?: (setup: TrainingSetup) => void;
  /** The run's baseline (stage 0) model — the default teacher for distillation. */
  baseline: tf.LayersModel;
  /** Another run's final model (a distillation teacher); the caller owns and disposes it. */
  loadRunModel?: (runId: string) => Promise<tf.LayersModel>;
  architecture: string;
  inputShape: [number, number, number];
  /** Checked every batch; techniques throw TrainingCancelled (lib/ml/train.ts) when aborted. */
  signal: AbortSignal;
  onProgress: (p: TechniqueProgress) => Promise<void>;
  /** Recorded as training curves (loss, accuracy, val_accuracy, sparsity…), step = epoch (1-based). */
  onEpochEnd?: (epoch: number, metrics: Record<string, number>) => Promise<void>;
  log: (line: string) => void;
}

export interface NasCandidate {
  config: Record<string, unknown>;
  params: number;
  macs: number;
  latencyMs?: number;
  /** Proxy validation accuracy at the first successive-halving rung, which every trained candidate has (0 when never
   *  trained: infeasible); later rungs are in `rungs`. */
  valAccuracy: number;
  /** Proxy validation accuracy after each successive-halving rung it reached (empty when never trained). */
  rungs: number[];
  pareto: boolean;
  /** The one the search trained fully. */
  chosen: boolean;
  feasible: boolean;
}

export interface StageResult {
  /** A NEW model; the caller owns (and disposes) it. */
  model: tf.LayersModel;
  precision: "fp32" | "int8";
  /** For int8: what exportOnnx({ precision: "int8", quantization }) needs. */
  quantization?: QuantizationParams;
  details?: Record<string, unknown>;
}

/** What a technique that writes no model (descriptor.keepsModel: an analysis) returns: what it found. */
export interface AnalysisResult {
  details: Record<string, unknown>;
}

/** NAS's result: the stage's model and every architecture it sampled (written as child runs). */
export interface NasResult extends StageResult {
  candidates: NasCandidate[];
}

/**
 * A technique as the worker runs it: its tfjs-free descriptor (descriptor.ts: name, params, order rules, checks
 * before queueing) plus what needs the built model.
 */
export interface Technique<P, R extends StageResult | AnalysisResult = StageResult> extends Omit<TechniqueDescriptor, "configSchema"> {
  configSchema: z.ZodType<P>;
  /**
   * A reason the technique cannot apply to this model, or null. Run by the worker before the stage trains (the run
   * fails at once, no retry) and on every uploaded model (its technique fit, → 422 at submission).
   */
  check?(model: tf.LayersModel, params: P): string | null;
  apply(model: tf.LayersModel, params: P, ctx: TechniqueContext): Promise<R>;
  /** The runs the stage adds under its run, from its result (NAS: one per sampled architecture). */
  childRuns?(result: R, params: P): ChildRun[];
}
