// A run's requirements judged, in one place: the worker judges each stage against the baseline (stage 0) when
// the stage ends and stores the verdict on it, and the run's summary when the run ends. Pages, the runs table
// and the model card read what is stored; nothing recomputes it.
import { z } from "zod";
import { Requirements } from "../schemas/pipeline";

export const REQUIREMENT_NAMES = ["maxAccuracyDrop", "minLatencyReduction", "minSizeReduction"] as const;
export type RequirementName = (typeof REQUIREMENT_NAMES)[number];

export const VerdictCheck = z.object({
  requirement: z.enum(REQUIREMENT_NAMES),
  /** accuracy drop (baseline − stage top-1) or latency / size reduction, as a fraction; null when not measured */
  value: z.number().nullable(),
  limit: z.number(),
  pass: z.boolean().nullable(),
});
export type VerdictCheck = z.infer<typeof VerdictCheck>;

/** Stored in Stage.verdict (null on the baseline stage). */
export const StageVerdict = z.object({ pass: z.boolean(), checks: z.array(VerdictCheck) });
export type StageVerdict = z.infer<typeof StageVerdict>;

/** What judging needs of a stage. `speedup` is the paired-latency median when the stage has one. */
export interface JudgedStage {
  index: number;
  accuracy: number | null;
  latencyP50Ms: number | null;
  sizeBytes: number | null;
  speedup?: number | null;
}

// A requirement met to the 9th decimal is not failed by floating point.
const EPS = 1e-9;

/** The run's stored requirements; malformed JSON (an old row) reads as the defaults. */
export function parseRequirements(value: unknown): Requirements {
  const r = Requirements.safeParse(value ?? {});
  return r.success ? r.data : Requirements.parse({});
}

/** A stored verdict, or null when there is none or it does not have the verdict's shape. */
export function parseVerdict(value: unknown): StageVerdict | null {
  const v = StageVerdict.safeParse(value);
  return v.success ? v.data : null;
}

/** 1 − stage/baseline latency; from the paired speed-up (1 − 1/speedup) when the stage has one. */
export function latencyReduction(stage: JudgedStage, baseline: JudgedStage): number | null {
  if (stage.speedup != null && stage.speedup > 0) return 1 - 1 / stage.speedup;
  if (stage.latencyP50Ms == null || !baseline.latencyP50Ms) return null;
  return 1 - stage.latencyP50Ms / baseline.latencyP50Ms;
}

export function sizeReduction(stage: JudgedStage, baseline: JudgedStage): number | null {
  if (stage.sizeBytes == null || !baseline.sizeBytes) return null;
  return 1 - stage.sizeBytes / baseline.sizeBytes;
}

/** The stage judged against the baseline; null for the baseline itself (there is nothing to compare it with). */
export function judgeStage(stage: JudgedStage, baseline: JudgedStage, requirements: Requirements): StageVerdict | null {
  if (stage.index === 0) return null;
  const drop = stage.accuracy != null && baseline.accuracy != null ? baseline.accuracy - stage.accuracy : null;
  const check = (requirement: RequirementName, value: number | null, limit: number, ok: (v: number) => boolean): VerdictCheck => ({
    requirement, value, limit, pass: value == null ? null : ok(value),
  });
  const checks = [
    check("maxAccuracyDrop", drop, requirements.maxAccuracyDrop, (d) => d <= requirements.maxAccuracyDrop + EPS),
    check("minLatencyReduction", latencyReduction(stage, baseline), requirements.minLatencyReduction, (r) => r + EPS >= requirements.minLatencyReduction),
    check("minSizeReduction", sizeReduction(stage, baseline), requirements.minSizeReduction, (r) => r + EPS >= requirements.minSizeReduction),
  ];
  return { pass: checks.every((c) => c.pass === true), checks };
}

export interface RunVerdict {
  /** some compressed stage meets every requirement; null when the run has no judged stage */
  meetsRequirements: boolean | null;
  /** among the stages that meet them all: the smallest file, ties to the higher accuracy */
  shipStageIndex: number | null;
}

export function judgeRun(stages: readonly (JudgedStage & { verdict: unknown })[]): RunVerdict {
  const judged = stages.filter((s) => parseVerdict(s.verdict) != null);
  if (judged.length === 0) return { meetsRequirements: null, shipStageIndex: null };
  const passing = judged.filter((s) => parseVerdict(s.verdict)!.pass);
  const best = [...passing].sort((a, b) => (a.sizeBytes ?? Infinity) - (b.sizeBytes ?? Infinity) || (b.accuracy ?? -1) - (a.accuracy ?? -1))[0];
  return { meetsRequirements: passing.length > 0, shipStageIndex: best?.index ?? null };
}
