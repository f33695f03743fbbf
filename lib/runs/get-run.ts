/** A run's child runs (NAS candidates, auto probes: lib/pipeline/child-runs.ts) with their one stage, as the run
 *  page shows them — in its snapshot and in the live delta of the stage that wrote them. */
export const CHILD_RUNS = {
  orderBy: { id: "asc" },
  select: { id: true, status: true, stages: { select: { technique: true, params: true, details: true, paramCount: true, macs: true, latencyP50Ms: true, sizeBytes: true, gzipBytes: true, speedup: true } } },
} as const;

