// NAS candidates as child runs (design.md: Run.parentRunId). Every architecture a NAS stage sampled becomes a run
// under the searching run, with one "nas" stage row holding what was measured of it: parameters, MACs, latency
// (when the budget is latency), the proxy validation accuracy of each successive-halving rung, feasibility and
// Pareto membership. They can then be listed, linked and compared like any run. The proxy accuracy is validation
// accuracy after a short training, not test accuracy, so it goes to details and the stage's accuracy stays empty.
// A retried job rewrites them: ids derive from the parent, the stage and the candidate's rank.
import type { Db } from "../db";
import type { NasCandidate } from "../compress/types";
import type { Prisma } from "../generated/sqlite/client";

interface ParentRun {
  id: string;
  experimentId: string;
  training: Prisma.JsonValue;
  requirements: Prisma.JsonValue;
  seed: number;
}

const candidateRunId = (parentId: string, stageIndex: number, rank: number) =>
  `${parentId}-s${stageIndex}-c${String(rank).padStart(3, "0")}`;

export async function recordNasCandidateRuns(db: Db, parent: ParentRun, stageIndex: number, stageParams: Prisma.InputJsonValue,
  candidates: NasCandidate[], backend: string): Promise<void> {
  const now = new Date();
  await db.$transaction([
    db.run.deleteMany({ where: { parentRunId: parent.id, id: { startsWith: `${parent.id}-s${stageIndex}-` } } }),
    ...candidates.map((c, rank) => {
      return db.run.create({
        data: {
          id: candidateRunId(parent.id, stageIndex, rank + 1),
          experimentId: parent.experimentId, parentRunId: parent.id,
          status: c.feasible ? "succeeded" : "cancelled",
          error: c.feasible ? null : "Over the NAS budget: measured, not trained.",
          pipeline: [{ technique: "nas", params: stageParams }],
          training: parent.training as Prisma.InputJsonValue, requirements: parent.requirements as Prisma.InputJsonValue,
          seed: parent.seed, backend, attempts: 1, queuedAt: now, startedAt: now, finishedAt: now,
          stages: {
            create: {
              index: 0, technique: "nas", status: c.feasible ? "succeeded" : "failed", params: c.config as Prisma.InputJsonValue,
              paramCount: c.params, macs: c.macs, latencyP50Ms: c.latencyMs ?? null, latencyThreads: c.latencyMs != null ? 1 : null,
              precision: "fp32", startedAt: now, finishedAt: now,
              details: { nasCandidate: true, parentStageIndex: stageIndex, valAccuracy: c.valAccuracy, rungs: c.rungs, pareto: c.pareto, feasible: c.feasible, chosen: c.chosen },
            },
          },
        },
      });
    }),
  ]);
}
