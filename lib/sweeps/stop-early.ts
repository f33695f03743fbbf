import type { Db } from "../db";
import { moveRun } from "../runs/run-lifecycle";
import { EarlyTermination } from "../schemas/sweep";
import { earlyStopOf, type TrialPoint } from "./early-termination";

/** Run.stopReason of a trial the sweep stopped (the run ends `cancelled`; a user's cancel leaves it null). */
export interface StoppedEarly {
  reason: "stoppedEarly";
  stageIndex: number;
  message: string;
  bySize: string;
  byLatency: string;
}

const pct = (a: number) => `${(a * 100).toFixed(1)}%`;

/**
 * Called by the job when stage `stageIndex` of a sweep's run has succeeded (not after the last stage): applies
 * the rule of early-termination.ts against the sweep's succeeded runs with this run's seed and, when it says
 * stop, cancels the run through the lifecycle with the reason. Returns whether the run was stopped.
 */
export async function stopIfHopeless(db: Db, runId: string, sweepId: string, stageIndex: number): Promise<boolean> {
  const sweep = await db.sweep.findUnique({ where: { id: sweepId }, select: { earlyTermination: true } });
  if (!sweep) return false;
  const rule = EarlyTermination.parse(sweep.earlyTermination);
  if (!rule.enabled) return false;
  const select = { id: true, stages: { where: { index: stageIndex, status: "succeeded" }, select: { accuracy: true, sizeBytes: true, latencyP50Ms: true } } } as const;
  const run = await db.run.findUnique({ where: { id: runId }, select: { ...select, seed: true } });
  if (!run) return false;
  const peers = await db.run.findMany({ where: { sweepId, status: "succeeded", seed: run.seed, id: { not: runId } }, select });
  const point = (r: { id: string; stages: { accuracy: number | null; sizeBytes: number | null; latencyP50Ms: number | null }[] }): TrialPoint | null => {
    const s = r.stages[0];
    return s ? { runId: r.id, accuracy: s.accuracy, sizeBytes: s.sizeBytes, latencyMs: s.latencyP50Ms } : null;
  };
  const trial = point(run);
  if (!trial) return false;
  const stop = earlyStopOf(trial, peers.map(point).filter((p): p is TrialPoint => p !== null), rule.accuracyMargin);
  if (!stop) return false;
  const reason: StoppedEarly = {
    reason: "stoppedEarly",
    stageIndex,
    bySize: stop.bySize.runId,
    byLatency: stop.byLatency.runId,
    message:
      `Stopped early after stage ${stageIndex} (${pct(trial.accuracy!)}): run ${stop.bySize.runId} reached ${pct(stop.bySize.accuracy!)} no larger` +
      (stop.byLatency.runId === stop.bySize.runId ? " and no slower" : `, run ${stop.byLatency.runId} ${pct(stop.byLatency.accuracy!)} no slower`) +
      ` at that stage (same seed, margin ${pct(rule.accuracyMargin)})`,
  };
  return moveRun(db, runId, "cancelled", { finishedAt: new Date(), stopReason: reason as unknown as object });
}
