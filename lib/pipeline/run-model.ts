// Another run's final model, for a stage that learns from it (a distillation teacher from an earlier experiment):
// the last stage of that run that succeeded and whose model is saved. Checked when the run is submitted (a clear
// 422 instead of a failure minutes later) and loaded by the worker.
import { existsSync } from "node:fs";
import type * as tf from "@tensorflow/tfjs";
import { descriptorOf } from "../compress/catalog";
import { paramsOf } from "../compress/descriptor";
import type { Db } from "../db";
import { AppError } from "../errors";
import { loadModel } from "../ml/model-io";
import { stageModelDir } from "./checkpoint";

/** The saved model directory of a run's final model, or why that run cannot provide one. */
export async function finalModelOf(db: Db, runId: string, datasetId: string): Promise<{ dir: string } | { problem: string }> {
  const run = await db.run.findUnique({
    where: { id: runId },
    select: { status: true, experiment: { select: { datasetId: true } }, stages: { where: { status: "succeeded" }, orderBy: { index: "desc" }, select: { index: true } } },
  });
  if (!run) return { problem: `run ${runId} does not exist` };
  if (run.status !== "succeeded") return { problem: `run ${runId} has not succeeded (it is ${run.status})` };
  if (run.experiment.datasetId !== datasetId) return { problem: `run ${runId} was trained on another dataset ("${run.experiment.datasetId}")` };
  const dir = run.stages.map((s) => stageModelDir(runId, s.index)).find((d) => existsSync(d));
  return dir ? { dir } : { problem: `run ${runId} has no saved model (NAS candidates and deleted runs have none)` };
}

/** 422 unless every run a pipeline's stages read (their descriptors' `runsRead`: distill's teacherRunId) can provide its final model. */
export async function checkReferencedRuns(db: Db, pipeline: { technique: string; params?: unknown }[], datasetId: string): Promise<void> {
  for (const [i, stage] of pipeline.entries()) {
    const params = paramsOf(stage);
    for (const read of descriptorOf(stage.technique)?.runsRead?.(params) ?? []) {
      const found = await finalModelOf(db, read.runId, datasetId);
      if ("problem" in found) {
        throw new AppError("unprocessable", `Stage ${i} (${stage.technique}): the ${read.role} ${found.problem}`, [{ path: ["pipeline", i, "params", read.field], message: found.problem }]);
      }
    }
  }
}

export async function loadRunModel(db: Db, runId: string, datasetId: string): Promise<tf.LayersModel> {
  const found = await finalModelOf(db, runId, datasetId);
  if ("problem" in found) throw new Error(`The teacher ${found.problem}`);
  return loadModel(found.dir);
}
