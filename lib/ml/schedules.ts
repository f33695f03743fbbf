// Learning-rate schedules as plain JSON plus one pure function, evaluated every optimisation step (the same
// JSON goes into the database, the job and the model card). Shapes follow PyTorch's schedulers.
export type LrSchedule =
  | { kind: "constant" }
  /** Linear warm-up, then cosine decay to `minFactor` × the base rate (SGDR without restarts). */
  | { kind: "cosine"; warmupEpochs?: number; minFactor?: number }
  /**
   * One-cycle (Smith & Topin; PyTorch OneCycleLR, cosine annealing): from base/divFactor up to base over the
   * first `pctStart` of training, then down to base/(divFactor × finalDivFactor).
   */
  | { kind: "one-cycle"; pctStart?: number; divFactor?: number; finalDivFactor?: number }
  /** Multiply by `gamma` every `everyEpochs` epochs. */
  | { kind: "step"; everyEpochs: number; gamma?: number };

const cosineBetween = (from: number, to: number, t: number) => to + ((from - to) * (1 + Math.cos(Math.PI * Math.min(1, Math.max(0, t))))) / 2;

/** The learning rate for 0-based `step` of `totalSteps`, `stepsPerEpoch` steps to an epoch. */
export function learningRateAt(schedule: LrSchedule | undefined, baseLr: number, step: number, totalSteps: number, stepsPerEpoch: number): number {
  const s = schedule ?? { kind: "constant" };
  switch (s.kind) {
    case "constant":
      return baseLr;
    case "cosine": {
      const warmup = Math.round((s.warmupEpochs ?? 0) * stepsPerEpoch);
      const min = baseLr * (s.minFactor ?? 0);
      if (step < warmup) return (baseLr * (step + 1)) / warmup;
      return cosineBetween(baseLr, min, (step - warmup) / Math.max(1, totalSteps - warmup));
    }
    case "one-cycle": {
      const pct = s.pctStart ?? 0.3;
      const initial = baseLr / (s.divFactor ?? 25);
      const final = initial / (s.finalDivFactor ?? 1e4);
      const peak = Math.max(1, Math.round(pct * totalSteps) - 1);
      if (step <= peak) return cosineBetween(initial, baseLr, step / peak);
      return cosineBetween(baseLr, final, (step - peak) / Math.max(1, totalSteps - 1 - peak));
    }
    case "step":
      return baseLr * (s.gamma ?? 0.1) ** Math.floor(step / stepsPerEpoch / Math.max(1, s.everyEpochs));
  }
}
