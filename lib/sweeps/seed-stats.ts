// Seed variance: runs that differ only in seed are one result measured several times. Their mean ± sample
// standard deviation is what a page shows, so a 0.3 pp gap inside the spread is not read as a finding.

export interface MeanSd {
  mean: number;
  /** sample standard deviation (n − 1); null with a single value */
  sd: number | null;
  n: number;
}

/** Mean and sample standard deviation of the finite values; null when there are none. */
export function meanSd(values: readonly (number | null | undefined)[]): MeanSd | null {
  const xs = values.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  if (xs.length === 0) return null;
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  if (xs.length === 1) return { mean, sd: null, n: 1 };
  const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1);
  return { mean, sd: Math.sqrt(variance), n: xs.length };
}

export interface SeedGroup<R> {
  key: string;
  runs: R[];
  accuracy: MeanSd | null;
  sizeBytes: MeanSd | null;
  latencyMs: MeanSd | null;
}

/**
 * Groups runs by their seed-group key (a run without one is a group of its own) and summarises each group's
 * finished runs; the order is that of each group's first run.
 */
export function groupBySeed<R extends { id: string; seedGroup: string | null; finished: boolean; accuracy: number | null; sizeBytes: number | null; latencyMs: number | null }>(
  runs: readonly R[],
): SeedGroup<R>[] {
  const groups = new Map<string, R[]>();
  for (const run of runs) {
    const key = run.seedGroup ?? `run:${run.id}`;
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  return [...groups].map(([key, members]) => {
    const done = members.filter((r) => r.finished);
    return { key, runs: members, accuracy: meanSd(done.map((r) => r.accuracy)), sizeBytes: meanSd(done.map((r) => r.sizeBytes)), latencyMs: meanSd(done.map((r) => r.latencyMs)) };
  });
}
