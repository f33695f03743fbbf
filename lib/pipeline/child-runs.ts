// The runs a stage adds under its run (design.md: Run.parentRunId) — NAS's sampled architectures, say — as its
// technique declares them (Technique.childRuns, lib/compress). Each is a run with one stage row holding what was
// measured of it, so it can be listed, linked and compared like any run. A retried job rewrites them: ids derive
// from the parent, the stage and the child's rank.
import type { Db } from "../db";
import type { ChildRun } from "../compress/descriptor";
import type { Prisma } from "../generated/sqlite/client";

interface ParentRun {
  id: string;
  experimentId: string;
  training: Prisma.JsonValue;
  requirements: Prisma.JsonValue;
  seed: number;
}

const childRunId = (parentId: string, stageIndex: number, rank: number) =>
  `${parentId}-s${stageIndex}-c${String(rank).padStart(3, "0")}`;

export async function recordChildRuns(db: Db, parent: ParentRun, stageIndex: number, stage: { technique: string; params: Prisma.InputJsonValue },
  children: ChildRun[], backend: string): Promise<void> {
  const now = new Date();
  await db.$transaction([
    db.run.deleteMany({ where: { parentRunId: parent.id, id: { startsWith: `${parent.id}-s${stageIndex}-` } } }),
    ...children.map((c, rank) => {
      const measured = c.stage.measured ?? {};
      return db.run.create({
        data: {
          id: childRunId(parent.id, stageIndex, rank + 1),
          experimentId: parent.experimentId, parentRunId: parent.id,
          status: c.status,
          error: c.reason ?? null,
          pipeline: [{ technique: stage.technique, params: stage.params }],
          training: parent.training as Prisma.InputJsonValue, requirements: parent.requirements as Prisma.InputJsonValue,
          seed: parent.seed, backend, attempts: 1, queuedAt: now, startedAt: now, finishedAt: now,
          stages: {
            create: {
              index: 0, technique: stage.technique, status: c.stage.status, params: c.stage.params as Prisma.InputJsonValue,
              ...measured,
              // Latencies children report are measured like the stages' own: one onnxruntime thread.
              latencyThreads: measured.latencyP50Ms != null ? 1 : null,
              precision: c.stage.precision ?? "fp32", startedAt: now, finishedAt: now,
              details: { ...c.stage.details, parentStageIndex: stageIndex } as Prisma.InputJsonValue,
            },
          },
        },
      });
    }),
  ]);
}
