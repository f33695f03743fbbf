import { queueIssues } from "../compress/schemas";
import type { Db } from "../db";
import { AppError } from "../errors";
import { checkBaselineModel } from "../models/check-baseline-model";
import { checkReferencedRuns } from "../pipeline/run-model";
import { enqueueRun } from "../queue";
import { NEW_RUN_STATUS, NEW_STAGE_STATUS } from "../runs/run-lifecycle";
import { nameKeyOf, techniqueSet } from "../runs/run-summary";
import type { CreateExperiment } from "../schemas/experiment";

/**
 * Persists the experiment and its first run, then queues the run. When the queue is unreachable the rows are
 * removed again and the caller gets 503: no run is left `queued` with no job behind it.
 */
export async function createExperiment(db: Db, input: CreateExperiment) {
  const dataset = await db.dataset.findUnique({ where: { id: input.datasetId } });
  if (!dataset) throw new AppError("unprocessable", `Unknown dataset "${input.datasetId}"`, [{ path: ["datasetId"], message: "unknown dataset" }]);
  const issues = queueIssues(input.pipeline, { inputShape: dataset.inputShape as [number, number, number], numClasses: (dataset.classes as string[]).length });
  if (issues.length) throw new AppError("unprocessable", issues[0].message, issues.map((i) => ({ ...i, path: ["pipeline", ...i.path] })));
  await checkReferencedRuns(db, input.pipeline, dataset.id);
  await checkBaselineModel(db, input.pipeline, dataset.id);
  const experiment = await db.experiment.create({
    data: {
      name: input.name,
      description: input.description,
      datasetId: dataset.id,
      baseArch: input.architecture,
      tags: input.tags,
      runs: {
        create: {
          status: NEW_RUN_STATUS,
          pipeline: input.pipeline,
          training: input.training,
          requirements: input.requirements,
          seed: input.seed,
          nameKey: nameKeyOf(input.name), techniques: techniqueSet(input.pipeline.map((s) => s.technique)),
          stages: { create: input.pipeline.map((stage, index) => ({ index, technique: stage.technique, params: stage.params, status: NEW_STAGE_STATUS })) },
        },
      },
    },
    include: { runs: true },
  });
  const run = experiment.runs[0];
  try {
    await enqueueRun(run.id);
  } catch (error) {
    await db.experiment.delete({ where: { id: experiment.id } });
    throw error;
  }
  return { experimentId: experiment.id, runId: run.id };
}
