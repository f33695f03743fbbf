// A run's summary columns (Run.sortedAt, techniques, nameKey, bestAccuracy, finalLatencyMs, finalSizeBytes):
// what the runs table filters and sorts on, copied onto the row so every view is an indexed query instead of a
// subquery over Stage per run. The worker refreshes them where a stage starts or finishes; the migration that
// added them backfilled existing rows with the same rules in SQL.
import type { Db } from "../db";

/** The set of techniques as one string, ",baseline,prune,": `LIKE '%,prune,%'` matches exactly one name. */
export function techniqueSet(techniques: readonly string[]): string {
  const names = [...new Set(techniques)].sort();
  return names.length ? `,${names.join(",")},` : "";
}

/** What `techniques` contains when the run has a stage of `technique`. */
export const techniqueToken = (technique: string) => `,${technique},`;

export const nameKeyOf = (experimentName: string) => experimentName.toLowerCase();

interface SummaryInput {
  queuedAt: Date;
  startedAt: Date | null;
  experiment: { name: string };
  stages: { index: number; technique: string; status: string; accuracy: number | null; latencyP50Ms: number | null; sizeBytes: number | null }[];
}

/** Best accuracy over the succeeded stages; latency and size of the last succeeded stage that measured a model (what ships). */
export function summaryOf(run: SummaryInput) {
  const done = [...run.stages].sort((a, b) => a.index - b.index).filter((s) => s.status === "succeeded");
  // The last stage that measured a model (an analysis stage measures none: it keeps the model it read).
  const final = done.filter((s) => s.sizeBytes != null).at(-1);
  const accuracies = done.map((s) => s.accuracy).filter((a): a is number => a != null);
  return {
    sortedAt: run.startedAt ?? run.queuedAt,
    techniques: techniqueSet(run.stages.map((s) => s.technique)),
    nameKey: nameKeyOf(run.experiment.name),
    bestAccuracy: accuracies.length ? Math.max(...accuracies) : null,
    finalLatencyMs: final?.latencyP50Ms ?? null,
    finalSizeBytes: final?.sizeBytes ?? null,
  };
}
export type RunSummary = ReturnType<typeof summaryOf>;

/** Recomputes a run's summary columns from its stages; call it after a stage's row changes. */
export async function refreshRunSummary(db: Db, runId: string): Promise<void> {
  const run = await db.run.findUnique({
    where: { id: runId },
    select: {
      queuedAt: true, startedAt: true, experiment: { select: { name: true } },
      stages: { select: { index: true, technique: true, status: true, accuracy: true, latencyP50Ms: true, sizeBytes: true } },
    },
  });
  if (run) await db.run.update({ where: { id: runId }, data: summaryOf(run) });
}
