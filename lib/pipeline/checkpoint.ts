// A checkpoint per epoch, so a job that a dead worker left behind resumes where it stopped.
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type * as tf from "@tensorflow/tfjs";
import { runArtifactDir } from "../artifacts/store-artifact";
import { loadModel, saveModel } from "../ml/model-io";

const dirOf = (runId: string, stageIndex: number) => path.join(runArtifactDir(runId), "checkpoints", `stage-${stageIndex}`);

export async function saveCheckpoint(runId: string, stageIndex: number, model: tf.LayersModel, epoch: number): Promise<void> {
  const dir = dirOf(runId, stageIndex);
  await saveModel(model, dir);
  writeFileSync(path.join(dir, "epoch.json"), JSON.stringify({ epoch }));
}

export async function loadCheckpoint(runId: string, stageIndex: number): Promise<{ model: tf.LayersModel; epoch: number } | null> {
  const dir = dirOf(runId, stageIndex);
  if (!existsSync(path.join(dir, "epoch.json"))) return null;
  const { epoch } = JSON.parse(readFileSync(path.join(dir, "epoch.json"), "utf8")) as { epoch: number };
  return { model: await loadModel(dir), epoch };
}

/** The finished model of a stage, which later stages (and a resumed job) start from. */
export const stageModelDir = (runId: string, stageIndex: number) => path.join(runArtifactDir(runId), `stage-${stageIndex}`, "tfjs");

export function dropCheckpoint(runId: string, stageIndex: number): void {
  rmSync(dirOf(runId, stageIndex), { recursive: true, force: true });
}
