// At submission: a pipeline whose baseline loads an uploaded model gets a 422 now, not a failure in the worker,
// when the model does not exist, was checked on another dataset, expects other preprocessing than the pipeline
// feeds, or a later stage's technique cannot apply to it (as its upload found).
import { descriptorOf } from "../compress/catalog";
import { paramsOf } from "../compress/descriptor";
import type { Db } from "../db";
import { AppError } from "../errors";
import { isLabPreprocessing } from "./preprocess";
import type { Preprocessing } from "./schemas";
import type { TechniqueFit } from "./technique-fit";

const refuse = (message: string, path: (string | number)[]) => new AppError("unprocessable", message, [{ path, message }]);

/** The technique-fit entry (lib/models/technique-fit.ts) a stage depends on, as its descriptor keys it, if any. */
function fitKey(stage: { technique: string; params?: unknown }): string | undefined {
  return descriptorOf(stage.technique)?.fitKey?.(paramsOf(stage));
}

export async function checkBaselineModel(db: Db, pipeline: { technique: string; params?: unknown }[], datasetId: string): Promise<void> {
  const modelId = (pipeline[0]?.params as { modelId?: string } | undefined)?.modelId;
  if (pipeline[0]?.technique !== "baseline" || !modelId) return;
  const path = ["pipeline", 0, "params", "modelId"];
  const model = await db.model.findUnique({ where: { id: modelId } });
  if (!model) throw refuse(`Stage 0 (baseline): model ${modelId} does not exist (GET /api/models lists them)`, path);
  if (model.datasetId !== datasetId) {
    throw refuse(`Stage 0 (baseline): model "${model.name}" was checked on dataset "${model.datasetId}", not "${datasetId}"; upload it again with datasetId=${datasetId}`, path);
  }
  if (!isLabPreprocessing(model.preprocessing as unknown as Preprocessing)) {
    throw refuse(`Stage 0 (baseline): model "${model.name}" expects its own preprocessing (${JSON.stringify(model.preprocessing)}); pipelines feed pixels / 255, so only such models can be compressed yet`, path);
  }
  const fits = model.techniques as unknown as Record<string, TechniqueFit>;
  for (const [i, stage] of pipeline.entries()) {
    const key = i > 0 ? fitKey(stage) : undefined;
    const fit = key ? fits[key] : undefined;
    if (fit && !fit.applies) throw refuse(`Stage ${i} (${stage.technique}): cannot apply to model "${model.name}": ${fit.reason}`, ["pipeline", i, "technique"]);
  }
}
