import type { Db } from "../db";
import { AppError } from "../errors";
import { checkBaselineModel } from "../models/check-baseline-model";
import { checkReferencedRuns } from "../pipeline/run-model";
import type { CreateExperiment } from "../schemas/experiment";

/**
 * What a parsed CreateExperiment body must also satisfy in the database before anything is written or queued
 * (422s): the dataset exists, a distillation teacher run can teach, an uploaded baseline model fits. A single
 * run and every combination of a sweep go through this one check.
 */
export async function checkExperiment(db: Db, input: CreateExperiment) {
  const dataset = await db.dataset.findUnique({ where: { id: input.datasetId } });
  if (!dataset) throw new AppError("unprocessable", `Unknown dataset "${input.datasetId}"`, [{ path: ["datasetId"], message: "unknown dataset" }]);
  await checkReferencedRuns(db, input.pipeline, dataset.id);
  await checkBaselineModel(db, input.pipeline, dataset.id);
  return dataset;
}
