import { z } from "zod";
import { Architecture } from "../ml/models/architecture";
import { Pipeline, Requirements, TrainingConfig } from "./pipeline";

/** POST /api/experiments: an experiment and its first run. */
export const CreateExperiment = z
  .object({
    name: z.string().trim().min(1, "give the experiment a name").max(120, "at most 120 characters"),
    description: z.string().max(2_000).default(""),
    datasetId: z.string().min(1, "choose a dataset").max(64),
    architecture: Architecture,
    tags: z.array(z.string().trim().min(1).max(32)).max(10).default([]),
    training: TrainingConfig.default(TrainingConfig.parse({})),
    pipeline: Pipeline,
    requirements: Requirements.default(Requirements.parse({})),
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(42),
  })
  .strict();
export type CreateExperiment = z.infer<typeof CreateExperiment>;
export type CreateExperimentInput = z.input<typeof CreateExperiment>;

/** What POST /api/experiments answers: the ids of the experiment and of its first (queued) run. */
export const ExperimentCreated = z.object({ experimentId: z.string(), runId: z.string() });
