import { queueIssues } from "../compress/schemas";
import type { Db } from "../db";
import { AppError } from "../errors";
import { checkBaselineModel } from "../models/check-baseline-model";
import { checkReferencedRuns } from "../pipeline/referenced-runs";
import type { CreateExperiment } from "../schemas/experiment";

/**
 * What a parsed CreateExperiment body must also satisfy before anything is written or queued (422s): the dataset
 * exists, every stage's descriptor accepts its params on this data's shape (checkBeforeQueue), a distillation
 * teacher run can teach, an uploaded baseline model fits. A single run and every combination of a sweep go
 * through this one check.
 */
export async function checkExperiment(db: Db, input: CreateExperiment) {
  const dataset = await db.dataset.findUnique({ where: { id: input.datasetId } });
  if (!dataset) throw new AppError("unprocessable", `Unknown dataset "${input.datasetId}"`, [{ path: ["datasetId"], message: "unknown dataset" }]);
  const issues = queueIssues(input.pipeline, { inputShape: dataset.inputShape as [number, number, number], numClasses: (dataset.classes as string[]).length });
  if (issues.length) throw new AppError("unprocessable", issues[0].message, issues.map((i) => ({ ...i, path: ["pipeline", ...i.path] })));
  await checkReferencedRuns(db, input.pipeline, dataset.id);
  await checkBaselineModel(db, input.pipeline, dataset.id);
  return dataset;
}
