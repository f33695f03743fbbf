/**
 * Speed-up from interleaved latency measurements (A B A B …): each round times the baseline (A) and the candidate
 * (B) back to back, so whatever else slows the machine during that round slows both. The speed-up is the median
 * of the per-round ratios A/B; its spread is their 10th–90th percentile. A spread that contains 1.0 means the
 * difference is within the noise — "no measurable change" — however far the median is from 1.
 */
/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export interface PairedSpeedup {
  /** Median of baseline/candidate latency ratios (> 1: the candidate is faster). */
  median: number;
  /** 10th and 90th percentile of the ratios. */
  low: number;
  high: number;
  rounds: number;
}

export const SPREAD_PERCENTILES = [10, 90] as const;

/** Pairing statistics over per-round latencies of the baseline (`a`) and the candidate (`b`), same length. */
export function pairedSpeedup(a: readonly number[], b: readonly number[]): PairedSpeedup {
  if (a.length !== b.length || a.length === 0) throw new Error(`pairedSpeedup: need equal, non-empty rounds (got ${a.length} and ${b.length})`);
  const ratios = a.map((x, i) => x / b[i]).sort((x, y) => x - y);
  if (!ratios.every((r) => Number.isFinite(r) && r > 0)) throw new Error("pairedSpeedup: latencies must be positive");
  return {
    median: median(ratios),
    low: percentile(ratios, SPREAD_PERCENTILES[0]),
    high: percentile(ratios, SPREAD_PERCENTILES[1]),
    rounds: ratios.length,
  };
}

/** The spread includes 1.0×: the two models cannot be told apart at this noise level. */
export const noMeasurableChange = (s: { low: number; high: number }) => s.low <= 1 && s.high >= 1;

function median(sorted: readonly number[]): number {
  const m = sorted.length >> 1;
  return sorted.length % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
}
