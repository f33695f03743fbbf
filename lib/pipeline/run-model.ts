// Loads another run's final model in the worker (a distillation teacher from an earlier experiment); which model
// that is, and whether there is one, is referenced-runs.ts's, checked again here since the run may have changed.
import type * as tf from "@tensorflow/tfjs";
import type { Db } from "../db";
import { loadModel } from "../ml/model-io";
import { finalModelOf } from "./referenced-runs";

export async function loadRunModel(db: Db, runId: string, datasetId: string): Promise<tf.LayersModel> {
  const found = await finalModelOf(db, runId, datasetId);
  if ("problem" in found) throw new Error(`The teacher ${found.problem}`);
  return loadModel(found.dir);
}
