// A run's per-stage comparison table, as in the seed projects' write-ups: every stage against the baseline
// (stage 0) — accuracy delta, speedup, compression ratio — and the run's requirements checked per stage.
import { Requirements } from "../schemas/pipeline";

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
  checks: { accuracy: Check; latency: Check; size: Check };
  /** every applicable check passes */
  meetsAll: boolean | null;
}

const ratio = (a: number | null | undefined, b: number | null | undefined) => (a != null && b != null && b > 0 ? a / b : null);
// Compare with a tolerance so a requirement met to the 4th decimal is not failed by floating point.
const EPS = 1e-9;

export function parseRequirements(value: unknown): Requirements {
  const r = Requirements.safeParse(value ?? {});
  return r.success ? r.data : Requirements.parse({});
}

export function compareStages<S extends StageMetrics>(stages: readonly S[], requirementsJson: unknown): StageComparisonRow<S>[] {
  const req = parseRequirements(requirementsJson);
  const sorted = [...stages].sort((a, b) => a.index - b.index);
  const base = sorted.find((s) => s.index === 0 && s.status === "succeeded") ?? null;
  return sorted.map((s) => {
    const isBaseline = s.index === 0;
    const done = s.status === "succeeded";
    const deltaAccuracy = !isBaseline && done && base && s.accuracy != null && base.accuracy != null ? s.accuracy - base.accuracy : isBaseline && done ? 0 : null;
    const speedup = done ? ratio(base?.latencyP50Ms, s.latencyP50Ms) : null;
    const compressionRatio = done ? ratio(base?.sizeBytes, s.sizeBytes) : null;
    const latencyReduction = done && base?.latencyP50Ms && s.latencyP50Ms != null ? 1 - s.latencyP50Ms / base.latencyP50Ms : null;
    const sizeReduction = done && base?.sizeBytes && s.sizeBytes != null ? 1 - s.sizeBytes / base.sizeBytes : null;
    const check = (value: number | null, ok: (v: number) => boolean): Check => (isBaseline || value == null ? "n/a" : ok(value) ? "pass" : "fail");
    const checks = {
      accuracy: check(deltaAccuracy, (d) => -d <= req.maxAccuracyDrop + EPS),
      latency: check(latencyReduction, (r) => r + EPS >= req.minLatencyReduction),
      size: check(sizeReduction, (r) => r + EPS >= req.minSizeReduction),
    };
    const applicable = Object.values(checks).filter((c) => c !== "n/a");
    return {
      stage: s,
      isBaseline,
      deltaAccuracy,
      speedup,
      compressionRatio,
      latencyReduction,
      sizeReduction,
      checks,
      meetsAll: isBaseline || applicable.length === 0 ? null : applicable.every((c) => c === "pass"),
    };
  });
}
