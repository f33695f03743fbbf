// An uploaded model as a trainable tfjs model, for a baseline stage that loads instead of trains.
import { readFileSync } from "node:fs";
import type * as tf from "@tensorflow/tfjs";
import type { Db } from "../db";
import { openModel } from "./open-model";
import { artifactFile } from "../artifacts/store-artifact";

export async function loadUploadedModel(db: Db, modelId: string): Promise<tf.LayersModel> {
  const row = await db.model.findUnique({ where: { id: modelId } });
  if (!row) throw new Error(`model ${modelId} no longer exists`);
  // The file was converted and checked at upload; converting again is cheap (a TF.js zip just loads) and needs no second copy on disk.
  return (await openModel(new Uint8Array(readFileSync(artifactFile(row.path))))).model;
}
