// A run's per-stage comparison table, as in the seed projects' write-ups: every stage against the baseline
// (stage 0) — accuracy delta, speedup, compression ratio — and the verdict the worker stored on each stage
// (lib/runs/requirements-verdict.ts judges; this only reads).
import { latencyReduction, parseVerdict, sizeReduction, type RequirementName, type StageVerdict } from "../runs/requirements-verdict";

export interface StageMetrics {
  index: number;
  technique: string;
  status: string;
  accuracy: number | null;
  top5?: number | null;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  sizeBytes: number | null;
  gzipBytes?: number | null;
  paramCount: number | null;
  nonzeroParams?: number | null;
  macs: number | null;
  sparsity: number | null;
  /** the paired-latency speed-up, when the stage was measured that way */
  speedup?: number | null;
  /** Stage.verdict as stored by the worker */
  verdict?: unknown;
}

export type Check = "pass" | "fail" | "n/a";

export interface StageComparisonRow<S extends StageMetrics = StageMetrics> {
  stage: S;
  isBaseline: boolean;
  /** accuracy − baseline accuracy (fraction; negative = a drop) */
  deltaAccuracy: number | null;
  /** baseline p50 / stage p50 (2 = twice as fast) */
  speedup: number | null;
  /** baseline bytes / stage bytes (4 = a quarter of the size) */
  compressionRatio: number | null;
  latencyReduction: number | null;
  sizeReduction: number | null;
  /** the worker's stored verdict (null on the baseline, on unfinished stages and on runs judged before verdicts) */
  verdict: StageVerdict | null;
  checks: { accuracy: Check; latency: Check; size: Check };
  /** the stage meets every requirement (from the stored verdict) */
  meetsAll: boolean | null;
}

const ratio = (a: number | null | undefined, b: number | null | undefined) => (a != null && b != null && b > 0 ? a / b : null);

const checkOf = (verdict: StageVerdict | null, requirement: RequirementName): Check => {
  const pass = verdict?.checks.find((c) => c.requirement === requirement)?.pass;
  return pass == null ? "n/a" : pass ? "pass" : "fail";
};

export function compareStages<S extends StageMetrics>(stages: readonly S[]): StageComparisonRow<S>[] {
  const sorted = [...stages].sort((a, b) => a.index - b.index);
  const base = sorted.find((s) => s.index === 0 && s.status === "succeeded") ?? null;
  return sorted.map((s) => {
    const isBaseline = s.index === 0;
    const done = s.status === "succeeded";
    const deltaAccuracy = !isBaseline && done && base && s.accuracy != null && base.accuracy != null ? s.accuracy - base.accuracy : isBaseline && done ? 0 : null;
    const speedup = done ? (s.speedup ?? ratio(base?.latencyP50Ms, s.latencyP50Ms)) : null;
    const compressionRatio = done ? ratio(base?.sizeBytes, s.sizeBytes) : null;
    const verdict = done && !isBaseline ? parseVerdict(s.verdict) : null;
    return {
      stage: s,
      isBaseline,
      deltaAccuracy,
      speedup,
      compressionRatio,
      latencyReduction: done && base ? latencyReduction(s, base) : null,
      sizeReduction: done && base ? sizeReduction(s, base) : null,
      verdict,
      checks: { accuracy: checkOf(verdict, "maxAccuracyDrop"), latency: checkOf(verdict, "minLatencyReduction"), size: checkOf(verdict, "minSizeReduction") },
      meetsAll: verdict?.pass ?? null,
    };
  });
}
