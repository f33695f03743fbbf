import type { Db } from "../db";
import type { LoadedDataset } from "../ml/data/types";
import type { Requirements, TrainingConfig } from "../schemas/pipeline";
import type { RunProgress } from "../schemas/run";

/** What every stage of a run gets: the data, the run's settings, and ways to report and to stop. */
export interface StageContext {
  db: Db;
  runId: string;
  stageIndex: number;
  stages: number;
  architecture: string;
  data: LoadedDataset;
  /** The experiment's dataset (a model read from another run must come from the same one). */
  datasetId: string;
  training: TrainingConfig;
  requirements: Requirements;
  seed: number;
  signal: AbortSignal;
  report: (p: Omit<RunProgress, "stageIndex" | "stages" | "fraction" | "technique"> & { stageFraction: number }) => Promise<void>;
}
