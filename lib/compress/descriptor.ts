// What a compression technique is, without TensorFlow.js: its name, label, params schema, the pipeline order rules
// it adds and what it can tell from the pipeline alone. The API's validation, the browser form and the web
// process's checks before queueing read these (lib/compress/catalog.ts lists them); the worker's `Technique`
// (types.ts) is this descriptor plus `apply` and the rest that needs a built model. Nothing here may import
// @tensorflow/tfjs: the web bundle imports this file.
import type { z } from "zod";
import type { Architecture } from "../ml/models/architecture";
import type { ArchitectureOptions, ModelEstimate } from "../ml/models/estimate";

export interface PipelineIssue {
  path: (string | number)[];
  message: string;
}

/** A stage as order rules see it: params as submitted (or as parsed, when the Pipeline schema calls). */
export interface DraftStage {
  technique: string;
  params?: unknown;
  from?: number;
}

/** A draft stage's params as an object (empty when absent or not one: the schema reports that). */
export const paramsOf = (stage: DraftStage): Record<string, unknown> =>
  stage.params && typeof stage.params === "object" ? (stage.params as Record<string, unknown>) : {};

/** Where a stage stands in its pipeline, for its own order rules. */
export interface StagePlace {
  index: number;
  /** The stage whose model it reads: `from`, or the previous one. */
  source: number;
  /** The field an issue about the source points at: "from" when the stage set it, else "technique". */
  sourceField: "from" | "technique";
  stages: readonly DraftStage[];
}

/** What the pipeline knows of the data before anything is built (the dataset row). */
export interface DataShape {
  inputShape: [number, number, number];
  numClasses: number;
}

/** A stage's model as far as it is known before anything is trained: a zoo architecture with options, or only counts. */
export interface ModelSketch {
  arch?: Architecture;
  opts?: ArchitectureOptions;
  /** null when the model cannot be known before the stage runs (e.g. structured pruning of a NAS result). */
  estimate: ModelEstimate | null;
  /** The counts are an upper bound (a search budget), not the model's own. */
  bound?: boolean;
}

/** What a stage makes of its input model, as the form estimates it (lib/dashboard/pipeline-estimate.ts). */
export interface StageSketch {
  model: ModelSketch;
  precision?: "fp32" | "int8";
  /** Fraction of the kernel weights that are zero (same file, smaller after gzip). */
  zeroFraction?: number;
  /** How the numbers were obtained when they are not exact. */
  note?: string;
}

/** A draft's number, or the fallback while the field is empty or not a number yet. */
export const numberOr = (v: unknown, fallback: number) => (typeof v === "number" && Number.isFinite(v) ? v : fallback);

export interface TechniqueDescriptor<N extends string = string, S extends z.ZodType = z.ZodType> {
  name: N;
  /** What the form and the tables call it. */
  label: string;
  /** The stage's params: defaults, bounds and help text (the form's fields come from it). */
  configSchema: S;
  /**
   * Set when no stage may read this stage's model, saying what it must be instead ("… must be the last step of a
   * branch"): the order rules refuse any reader (→ 400).
   */
  terminal?: string;
  /**
   * Set when the stage writes no model of its own (an analysis): its `apply` returns only what it found
   * (`AnalysisResult`), the runner neither exports nor measures nor judges a copy, and stages after it read the
   * model it read.
   */
  keepsModel?: true;
  /** Set when the stage must read from the baseline (stage 0), saying why ("searches a new architecture"). */
  readsBaseline?: string;
  /** Rules between this stage's own params (→ 400), run once the general order rules pass. */
  stageIssues?(params: Record<string, unknown>, place: StagePlace): PipelineIssue[];
  /**
   * A reason the stage cannot run, decided from its params and the data's shape alone (→ 422 before queueing), or
   * null. What only the built model can tell stays in the worker's `Technique.check`.
   */
  checkBeforeQueue?(params: z.output<S>, data: DataShape): string | null;
  /**
   * What the stage makes of its input model, from the draft's params (as typed, maybe incomplete) before anything
   * is trained; absent: the same model, fp32 (clustering, say).
   */
  sketch?(input: ModelSketch, params: Record<string, unknown>, pipeline: { baseline: ModelSketch; data: DataShape }): StageSketch;
  /**
   * Other runs whose final model the stage reads (a distillation teacher from an earlier experiment), each with the
   * params field that names it and its role: submission checks each can provide one (→ 422), the worker loads them.
   */
  runsRead?(params: Record<string, unknown>): RunRead[];
  /**
   * How an uploaded model's technique fit is keyed (lib/models/technique-fit.ts): each case's params are checked
   * on the model at upload; `fitKey` names the case a stage's params fall in, so submission reads the stored fit.
   */
  fitCases?: Record<string, z.input<S>>;
  fitKey?(params: Record<string, unknown>): string;
}

export interface RunRead {
  runId: string;
  /** The field under the stage's params that names the run ("teacherRunId"). */
  field: string;
  /** What the run's model is to the stage ("teacher"). */
  role: string;
}

/** Keeps the literal name and the concrete schema type, so the pipeline union is typed per technique. */
export function describeTechnique<const N extends string, S extends z.ZodType>(d: TechniqueDescriptor<N, S>): TechniqueDescriptor<N, S> {
  return d;
}

/**
 * A run written under the stage's run (Run.parentRunId), as NAS writes its sampled architectures: one stage row
 * holding what was measured of it. The stage runner writes them (lib/pipeline/child-runs.ts); the technique only
 * says what they are, from its result (`Technique.childRuns`).
 */
export interface ChildRun {
  /** succeeded: measured; cancelled: not trained (over a budget, say), with `reason`. */
  status: "succeeded" | "cancelled" | "failed";
  reason?: string;
  stage: {
    status: "succeeded" | "failed";
    /** The child's own configuration (the stage row's params). */
    params: Record<string, unknown>;
    precision?: "fp32" | "int8";
    /** Measured columns of the stage row, where the technique measured them. */
    measured?: {
      accuracy?: number;
      paramCount?: number;
      macs?: number;
      latencyP50Ms?: number;
      sizeBytes?: number;
      gzipBytes?: number;
      speedup?: number;
      speedupLow?: number;
      speedupHigh?: number;
    };
    details: Record<string, unknown>;
  };
}
