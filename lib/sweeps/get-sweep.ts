import type { Db } from "../db";
import { notFound } from "../errors";
import { EarlyTermination, SweepParameter, SweptValue, type SweepSnapshot } from "../schemas/sweep";
import { z } from "zod";
import { groupBySeed } from "./seed-stats";
import type { StoppedEarly } from "./stop-early";

const Values = z.record(z.string(), SweptValue);

/** Sweep.parameters as stored (a list of { path, ...parameter }, in the request's order) → the request's object. */
function parametersOf(stored: unknown) {
  const list = z.array(z.looseObject({ path: z.string() })).parse(stored);
  return Object.fromEntries(list.map(({ path, ...p }) => [path, SweepParameter.parse(p)]));
}

/** The lowest (or highest) `key` among the succeeded runs: the best run of one objective. */
function bestBy<R extends { id: string; status: string }>(runs: R[], value: (r: R) => number | null, better: "min" | "max"): string | null {
  let best: R | null = null;
  for (const r of runs) {
    const v = value(r);
    if (r.status !== "succeeded" || v === null) continue;
    const b = best ? value(best)! : null;
    if (b === null || (better === "min" ? v < b : v > b)) best = r;
  }
  return best?.id ?? null;
}

/**
 * A sweep with its runs (swept values, seed, the last succeeded stage's accuracy, size and latency, whether the
 * sweep stopped it), its seed groups (mean ± sd over their succeeded runs) and the best run per objective.
 */
export async function getSweep(db: Db, id: string): Promise<SweepSnapshot> {
  const sweep = await db.sweep.findUnique({ where: { id }, include: { experiment: { select: { name: true } } } });
  if (!sweep) throw notFound("Sweep");
  const rows = await db.run.findMany({
    where: { sweepId: id },
    orderBy: [{ queuedAt: "asc" }, { id: "asc" }],
    select: {
      id: true, status: true, seed: true, seedGroup: true, sweepValues: true, stopReason: true,
      stages: { orderBy: { index: "asc" }, select: { status: true, accuracy: true, sizeBytes: true, latencyP50Ms: true } },
    },
  });
  const runs = rows.map((r) => {
    const done = r.stages.filter((s) => s.status === "succeeded");
    const last = done.at(-1);
    const stop = r.stopReason as unknown as StoppedEarly | null;
    return {
      id: r.id, status: r.status, seed: r.seed, seedGroup: r.seedGroup, values: Values.parse(r.sweepValues ?? {}),
      stoppedEarly: stop?.reason === "stoppedEarly" ? { stageIndex: stop.stageIndex, message: stop.message, bySize: stop.bySize, byLatency: stop.byLatency } : null,
      accuracy: last?.accuracy ?? null, sizeBytes: last?.sizeBytes ?? null, latencyMs: last?.latencyP50Ms ?? null,
      stagesDone: done.length, stages: r.stages.length,
    };
  });
  const groups = groupBySeed(runs.map((r) => ({ ...r, finished: r.status === "succeeded" }))).map((g) => ({
    key: g.key, values: g.runs[0].values, runIds: g.runs.map((r) => r.id), accuracy: g.accuracy, sizeBytes: g.sizeBytes, latencyMs: g.latencyMs,
  }));
  const counts: Record<string, number> = {};
  for (const r of runs) counts[r.stoppedEarly ? "stoppedEarly" : r.status] = (counts[r.stoppedEarly ? "stoppedEarly" : r.status] ?? 0) + 1;
  return {
    sweep: {
      id: sweep.id, experimentId: sweep.experimentId, name: sweep.experiment.name, method: sweep.method === "random" ? "random" : "grid",
      parameters: parametersOf(sweep.parameters), maxRuns: sweep.maxRuns, seeds: z.array(z.number().int()).parse(sweep.seeds),
      earlyTermination: EarlyTermination.parse(sweep.earlyTermination), createdAt: sweep.createdAt.toISOString(),
    },
    runs,
    groups,
    best: { accuracy: bestBy(runs, (r) => r.accuracy, "max"), sizeBytes: bestBy(runs, (r) => r.sizeBytes, "min"), latencyMs: bestBy(runs, (r) => r.latencyMs, "min") },
    counts,
  };
}
