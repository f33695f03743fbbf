// A run's life, in one place: every status change of a run or a stage is a conditional update from the states
// it may leave, so two writers racing (a user's cancel, the worker finishing, a retry) can never overwrite each
// other — the loser's update matches no row and it learns so from the return value. Every move that happens
// is also pushed to the run's open pages (publish-run-delta.ts).
import type { Db } from "../db";
import type { Prisma } from "../generated/sqlite/client";
import type { RunStatus } from "../schemas/run";
import { publishRunStatus, publishStage } from "./publish-run-delta";

export type StageStatus = "pending" | "running" | "succeeded" | "failed";

/**
 * For each status a run may move to, the statuses it may move from. succeeded, failed and cancelled are final.
 * running → running: a job taken over after its worker died finds the row still `running`.
 * running → queued: a worker's shutdown hands the job back, or a failed attempt will be retried.
 * queued → failed: the queue gave up on a job our code never saw (stalled too often).
 */
export const RUN_MOVES_FROM: Record<RunStatus, readonly RunStatus[]> = {
  queued: ["running"],
  running: ["queued", "running"],
  succeeded: ["running"],
  failed: ["queued", "running"],
  cancelled: ["queued", "running"],
};

/**
 * The same for a stage. running → running: a job taken over after its worker died. running → pending: the job
 * was handed back or will be retried (the stage resumes from its checkpoint).
 */
export const STAGE_MOVES_FROM: Record<StageStatus, readonly StageStatus[]> = {
  pending: ["running"],
  running: ["pending", "running"],
  succeeded: ["running"],
  failed: ["running"],
};

/** What a new run and its stages start as (rows are created, not moved, into these). */
export const NEW_RUN_STATUS = "queued" satisfies RunStatus;
export const NEW_STAGE_STATUS = "pending" satisfies StageStatus;

export const canMoveRun = (from: string, to: RunStatus) => (RUN_MOVES_FROM[to] as readonly string[]).includes(from);
export const canMoveStage = (from: string, to: StageStatus) => (STAGE_MOVES_FROM[to] as readonly string[]).includes(from);

type RunData = Omit<Prisma.RunUpdateManyMutationInput, "status">;
type StageData = Omit<Prisma.StageUpdateManyMutationInput, "status">;

/** Moves the run to `to` if its current status allows it; returns whether it did. */
export async function moveRun(db: Db, runId: string, to: RunStatus, data: RunData = {}): Promise<boolean> {
  const { count } = await db.run.updateMany({ where: { id: runId, status: { in: [...RUN_MOVES_FROM[to]] } }, data: { ...data, status: to } });
  if (count === 1) await publishRunStatus(db, runId);
  return count === 1;
}

/**
 * Moves one stage to `to` if its status allows it. Starting a stage also needs its run to be `running`, in the
 * same statement: a stage never starts in a run that was cancelled meanwhile.
 */
export async function moveStage(db: Db, runId: string, index: number, to: StageStatus, data: StageData = {}): Promise<boolean> {
  const { count } = await db.stage.updateMany({
    where: { runId, index, status: { in: [...STAGE_MOVES_FROM[to]] }, ...(to === "running" ? { run: { is: { status: "running" } } } : {}) },
    data: { ...data, status: to },
  });
  if (count === 1) await publishStage(db, runId, index);
  return count === 1;
}

/** Ends every running stage of the run as `to` (the job stopped: pending to resume later, failed for good). */
export async function releaseRunningStages(db: Db, runId: string, to: "pending" | "failed"): Promise<void> {
  const running = await db.stage.findMany({ where: { runId, status: "running" }, select: { index: true } });
  await db.stage.updateMany({ where: { runId, status: "running" }, data: { status: to } });
  for (const { index } of running) await publishStage(db, runId, index);
}

/** The run's status now (null when it is gone): why a move was refused. */
export async function runStatusOf(db: Db, runId: string): Promise<string | null> {
  const run = await db.run.findUnique({ where: { id: runId }, select: { status: true } });
  return run?.status ?? null;
}
