// The worker's verdict on a stage that has just been measured: its numbers against the baseline's (stage 0)
// under the run's requirements. The stage's row and its model card both take it from here.
import type { Db } from "../db";
import { judgeStage, type JudgedStage, type StageVerdict } from "../runs/requirements-verdict";
import type { Requirements } from "../schemas/pipeline";
import type { StageMeasurements } from "./measure-stage";

/** The stage as judged: `speedup` is the median of the paired baseline/stage latency ratios (Stage.speedup). */
export function judgedStageOf(stageIndex: number, m: StageMeasurements): JudgedStage {
  return { index: stageIndex, accuracy: m.evaluation.accuracy, latencyP50Ms: m.latencyP50Ms, sizeBytes: m.bytes, speedup: m.speedup?.median ?? null };
}

/** Null for the baseline stage. */
export async function judgeMeasuredStage(db: Db, runId: string, stageIndex: number, m: StageMeasurements, requirements: Requirements): Promise<StageVerdict | null> {
  if (stageIndex === 0) return null;
  const baseline = await db.stage.findUniqueOrThrow({ where: { runId_index: { runId, index: 0 } } });
  return judgeStage(judgedStageOf(stageIndex, m), baseline, requirements);
}
