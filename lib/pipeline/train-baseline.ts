// The baseline stage: train the chosen architecture from scratch — or load an uploaded model and optionally
// fine-tune it (params.modelId, params.fineTuneEpochs) — checkpointing every epoch (weights, optimizer moments,
// step) and resuming from the last checkpoint a dead worker left.
import type * as tf from "@tensorflow/tfjs";
import { loadUploadedModel } from "../models/load-uploaded-model";
import { buildModel } from "../ml/models/zoo";
import type { Architecture } from "../ml/models/architecture";
import { train, type TrainingSetup } from "../ml/train";
import type { StageResult } from "../compress";
import { stageCheckpoints } from "./checkpoint";
import type { StageContext } from "./context";
import { recordMetrics } from "./record";
import type { BaselineParams } from "../schemas/pipeline";
import { trainSettingsOf } from "./training-settings";
import { trainValSplit } from "./train-val-split";

export async function trainBaseline(ctx: StageContext, params: BaselineParams = {}): Promise<StageResult> {
  const { data, seed } = ctx;
  let model: tf.LayersModel;
  let training = ctx.training;
  if (params.modelId) {
    model = await loadUploadedModel(ctx.db, params.modelId);
    if (!params.fineTuneEpochs) return { model, precision: "fp32", details: { loadedModelId: params.modelId } };
    training = { ...training, epochs: params.fineTuneEpochs };
  } else {
    model = buildModel(ctx.architecture as Architecture, { inputShape: data.train.shape, numClasses: data.classes.length, seed });
  }
  const { train: trainSplit, val: valSplit } = trainValSplit(data, training, seed);
  const epochs = training.epochs;
  let setup: TrainingSetup | undefined;
  try {
    await train(model, trainSplit, valSplit, {
      ...trainSettingsOf(training, data),
      earlyStopping: training.earlyStopping,
      seed,
      numClasses: data.classes.length,
      signal: ctx.signal,
      checkpoint: { store: stageCheckpoints(ctx.runId, ctx.stageIndex), key: "train" },
      onSetup: (s) => (setup = s),
      onResume: (epoch) => console.log(`[run ${ctx.runId}] stage ${ctx.stageIndex}: resuming from the checkpoint of epoch ${epoch}`),
      reportEvery: 1, // the reporter throttles; reporting every batch lets a cancel stop within one batch
      onProgress: (p) =>
        ctx.report({ phase: "training", ...p, stageFraction: ((p.epoch - 1) + p.batch / p.batches) / epochs }),
      onEpochEnd: (e) =>
        recordMetrics(ctx.db, ctx.runId, ctx.stageIndex, e.epoch, { loss: e.loss, accuracy: e.accuracy, val_accuracy: e.valAccuracy, images_per_sec: e.imagesPerSec, learning_rate: e.learningRate ?? training.learningRate }),
    });
  } catch (e) {
    model.dispose();
    throw e;
  }
  return { model, precision: "fp32", details: { training: setup, ...(params.modelId ? { loadedModelId: params.modelId } : {}) } };
}
