// Pruning schedules as pure functions of the optimizer step, following tfmot's pruning_schedule.py:
//   PolynomialDecay: s(t) = s_f + (s_i − s_f)·(1 − p)^power, p = clamp((t − begin)/(end − begin), 0, 1),
//                    masks updated when begin ≤ t ≤ end and (t − begin) % frequency == 0;
//   ConstantSparsity: s_f whenever begin ≤ t (≤ end unless end = −1) on the same frequency;
//   linear = PolynomialDecay with power 1; one_shot = a single update at begin, masks fixed afterwards.
// One deliberate difference: `end` itself is always an update step, so the final sparsity is reached even
// when (end − begin) is not a multiple of the frequency (tfmot silently stops short in that case).
import type { PruningSchedule } from "./prune.schema";

export function sparsityAt(schedule: PruningSchedule, step: number): { prune: boolean; sparsity: number } {
  const { beginStep: begin, frequency, initialSparsity, finalSparsity } = schedule;
  const turn = step >= begin && (step - begin) % frequency === 0;
  switch (schedule.kind) {
    case "one_shot":
      return { prune: step === begin, sparsity: finalSparsity };
    case "constant": {
      const inRange = step >= begin && (schedule.endStep < 0 || step <= schedule.endStep);
      return { prune: inRange && (turn || step === schedule.endStep), sparsity: finalSparsity };
    }
    case "linear":
    case "polynomial_decay": {
      const end = Math.max(begin, schedule.endStep);
      const power = schedule.kind === "linear" ? 1 : schedule.power;
      const p = end > begin ? Math.min(1, Math.max(0, (step - begin) / (end - begin))) : step >= begin ? 1 : 0;
      // Exact at both ends (no 0.1 + 0·x rounding), the polynomial in between.
      const sparsity = p === 0 ? initialSparsity : p === 1 ? finalSparsity : finalSparsity + (initialSparsity - finalSparsity) * (1 - p) ** power;
      return { prune: step >= begin && step <= end && (turn || step === end), sparsity };
    }
  }
}

/**
 * Fix a schedule to a fine-tuning run of `totalSteps` optimizer steps: endStep −1 means "at 75% of
 * fine-tuning" (the rest recovers with masks fixed), and steps beyond the run are pulled in so that the final
 * sparsity is always reached. Returns the schedule and what was changed (for the stage log).
 */
export function resolveSchedule(schedule: PruningSchedule, totalSteps: number): { schedule: PruningSchedule; notes: string[] } {
  const last = Math.max(0, totalSteps - 1);
  const notes: string[] = [];
  let { beginStep, endStep } = schedule;
  if (beginStep > last) {
    notes.push(`beginStep ${beginStep} is past the last fine-tuning step ${last}; pruning at step ${last}`);
    beginStep = last;
  }
  const decays = schedule.kind === "polynomial_decay" || schedule.kind === "linear";
  if (decays && endStep < 0) endStep = Math.max(beginStep, Math.floor(0.75 * totalSteps));
  if (endStep > last) {
    notes.push(`endStep ${endStep} is past the last fine-tuning step ${last}; reaching the final sparsity at step ${last}`);
    endStep = last;
  }
  if (endStep >= 0 && endStep < beginStep) endStep = beginStep;
  return { schedule: { ...schedule, beginStep, endStep }, notes };
}
