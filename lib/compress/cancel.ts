import { TrainingCancelled } from "../ml/train";
import type { TechniqueContext } from "./types";

/** Techniques check this before any work and between steps that are not training batches. */
export function throwIfCancelled(ctx: Pick<TechniqueContext, "signal">): void {
  if (ctx.signal.aborted) throw new TrainingCancelled();
}
