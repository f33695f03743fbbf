// Learning-rate schedules as plain JSON plus one pure function, evaluated every optimisation step (the same
// JSON goes into the database, the job and the model card). Shapes follow PyTorch's schedulers.
import { z } from "zod";

/** The schedule as a run's training settings hold it (zod only: the browser form validates with it too). */
export const LrSchedule = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("constant") }),
  /** Linear warm-up, then cosine decay to `minFactor` × the base rate (SGDR without restarts). */
  z.object({ kind: z.literal("cosine"), warmupEpochs: z.number().min(0).max(20).default(0), minFactor: z.number().min(0).max(1).default(0) }),
  /**
   * One-cycle (Smith & Topin; PyTorch OneCycleLR, cosine annealing): from base/divFactor up to base over the
   * first `pctStart` of training, then down to base/(divFactor × finalDivFactor).
   */
  z.object({ kind: z.literal("one-cycle"), pctStart: z.number().gt(0).lt(1).default(0.3), divFactor: z.number().min(1).max(1e3).default(25), finalDivFactor: z.number().min(1).max(1e6).default(1e4) }),
  /** Multiply by `gamma` every `everyEpochs` epochs. */
  z.object({ kind: z.literal("step"), everyEpochs: z.number().int().min(1).max(100), gamma: z.number().gt(0).max(1).default(0.1) }),
]);
/** Before defaults are applied: code may leave out what the schema defaults; `learningRateAt` fills it in from the schema. */
export type LrSchedule = z.input<typeof LrSchedule>;

const cosineBetween = (from: number, to: number, t: number) => to + ((from - to) * (1 + Math.cos(Math.PI * Math.min(1, Math.max(0, t))))) / 2;

/** The learning rate for 0-based `step` of `totalSteps`, `stepsPerEpoch` steps to an epoch. */
export function learningRateAt(schedule: LrSchedule | undefined, baseLr: number, step: number, totalSteps: number, stepsPerEpoch: number): number {
  // Parsed here so the defaults above are the only ones (a few µs against a training step's milliseconds).
  const s = LrSchedule.parse(schedule ?? { kind: "constant" });
  switch (s.kind) {
    case "constant":
      return baseLr;
    case "cosine": {
      const warmup = Math.round(s.warmupEpochs * stepsPerEpoch);
      const min = baseLr * s.minFactor;
      if (step < warmup) return (baseLr * (step + 1)) / warmup;
      return cosineBetween(baseLr, min, (step - warmup) / Math.max(1, totalSteps - warmup));
    }
    case "one-cycle": {
      const pct = s.pctStart;
      const initial = baseLr / s.divFactor;
      const final = initial / s.finalDivFactor;
      const peak = Math.max(1, Math.round(pct * totalSteps) - 1);
      if (step <= peak) return cosineBetween(initial, baseLr, step / peak);
      return cosineBetween(baseLr, final, (step - peak) / Math.max(1, totalSteps - 1 - peak));
    }
    case "step":
      return baseLr * s.gamma ** Math.floor(step / stepsPerEpoch / Math.max(1, s.everyEpochs));
  }
}
