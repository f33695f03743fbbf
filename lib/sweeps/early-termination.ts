// Early termination of sweep trials, as a pure rule. Optuna's pruners and W&B's Hyperband compare a trial's
// intermediate value with other trials' values at the same step; here the step is a pipeline stage and the value
// is a point on the accuracy-vs-size and accuracy-vs-latency planes.
//
// The rule: when stage i of trial T ends (every stage but the last), T is stopped if among the sweep's
// succeeded trials run with T's seed
//   - one was, at its stage i, at least `margin` more accurate than T and no larger (ONNX bytes), and
//   - one (the same or another) was, at its stage i, at least `margin` more accurate and no slower (p50),
// i.e. T is dominated at this stage on both fronts with room to spare. Trials of a sweep share their pipeline's
// shape, so stage i of each is the same kind of model at the same point; comparing only within a seed pairs
// trials that saw the same initialisation and data order, so one lucky seed does not stop another seed's
// trial. The margin keeps noise from deciding (seed variance on small data is often above 0.3 pp).
// What it assumes, and so what it can get wrong: that a trial behind at stage i stays behind after its later
// stages. That holds when the later stages apply the same techniques to all trials; a swept value that only acts
// in a later stage (a sparsity) cannot make trials differ before that stage, so they are never stopped by it.
// At the last stage the rule would be exactly "T is off the Pareto front" — there it no longer saves anything.

export interface TrialPoint {
  runId: string;
  accuracy: number | null;
  sizeBytes: number | null;
  latencyMs: number | null;
}

export interface EarlyStop {
  /** a finished trial at least `margin` more accurate and no larger */
  bySize: TrialPoint;
  /** a finished trial at least `margin` more accurate and no slower */
  byLatency: TrialPoint;
}

const finite = (v: number | null): v is number => v !== null && Number.isFinite(v);

/** The finished trial that beats `trial` on accuracy by `margin` at no more `cost`, the most accurate first. */
function beaten(trial: TrialPoint, finished: readonly TrialPoint[], cost: "sizeBytes" | "latencyMs", margin: number): TrialPoint | undefined {
  const t = trial[cost];
  if (!finite(trial.accuracy) || !finite(t)) return undefined;
  return finished
    .filter((f) => finite(f.accuracy) && finite(f[cost]) && f.accuracy >= trial.accuracy! + margin && f[cost]! <= t)
    .sort((a, b) => b.accuracy! - a.accuracy!)[0];
}

/** Whether to stop `trial` given the same stage of the finished trials it is compared with; null: keep going. */
export function earlyStopOf(trial: TrialPoint, finished: readonly TrialPoint[], margin: number): EarlyStop | null {
  const peers = finished.filter((f) => f.runId !== trial.runId);
  const bySize = beaten(trial, peers, "sizeBytes", margin);
  const byLatency = beaten(trial, peers, "latencyMs", margin);
  return bySize && byLatency ? { bySize, byLatency } : null;
}
