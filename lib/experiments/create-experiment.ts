import type { Db } from "../db";
import { enqueueRun } from "../queue";
import { NEW_RUN_STATUS, NEW_STAGE_STATUS } from "../runs/run-lifecycle";
import { nameKeyOf, techniqueSet } from "../runs/run-summary";
import { seedGroupOf } from "../runs/seed-group";
import type { CreateExperiment } from "../schemas/experiment";
import { checkExperiment } from "./check-experiment";

/** The Run row of one parsed body (its stages included): a single run and each run of a sweep are written alike. */
export function newRunData(input: CreateExperiment) {
  return {
    status: NEW_RUN_STATUS,
    pipeline: input.pipeline,
    training: input.training,
    requirements: input.requirements,
    seed: input.seed,
    seedGroup: seedGroupOf(input),
    nameKey: nameKeyOf(input.name), techniques: techniqueSet(input.pipeline.map((s) => s.technique)),
    stages: { create: input.pipeline.map((stage, index) => ({ index, technique: stage.technique, params: stage.params, status: NEW_STAGE_STATUS })) },
  };
}

/**
 * Persists the experiment and its first run, then queues the run. When the queue is unreachable the rows are
 * removed again and the caller gets 503: no run is left `queued` with no job behind it.
 */
export async function createExperiment(db: Db, input: CreateExperiment) {
  const dataset = await checkExperiment(db, input);
  const experiment = await db.experiment.create({
    data: {
      name: input.name,
      description: input.description,
      datasetId: dataset.id,
      baseArch: input.architecture,
      tags: input.tags,
      runs: { create: newRunData(input) },
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
