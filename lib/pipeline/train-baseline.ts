// The baseline stage: train the chosen architecture from scratch (resuming from its last epoch checkpoint).
import type * as tf from "@tensorflow/tfjs";
import { defaultAugmentation } from "../ml/augment";
import { buildModel } from "../ml/models/zoo";
import type { Architecture } from "../ml/models/architecture";
import { train } from "../ml/train";
import { loadCheckpoint, saveCheckpoint } from "./checkpoint";
import type { StageContext } from "./context";
import { recordMetrics } from "./record";
import { trainValSplit } from "./train-val-split";

export async function trainBaseline(ctx: StageContext): Promise<tf.LayersModel> {
  const { data, training, seed } = ctx;
  const { train: trainSplit, val: valSplit } = trainValSplit(data, training, seed);

  const checkpoint = await loadCheckpoint(ctx.runId, ctx.stageIndex);
  if (checkpoint) console.log(`[run ${ctx.runId}] stage ${ctx.stageIndex}: resuming from the checkpoint of epoch ${checkpoint.epoch}`);
  const model = checkpoint?.model ?? buildModel(ctx.architecture as Architecture, { inputShape: data.train.shape, numClasses: data.classes.length, seed });
  const epochs = training.epochs;
  const { trainLimit: _trainLimit, testLimit: _testLimit, augment, ...options } = training;
  await train(model, trainSplit, valSplit, {
    ...options,
    augment: augment === "auto" ? defaultAugmentation(data) : augment === "off" ? undefined : augment,
    seed,
    numClasses: data.classes.length,
    startEpoch: checkpoint?.epoch ?? 0,
    signal: ctx.signal,
    reportEvery: 1, // the reporter throttles; reporting every batch lets a cancel stop within one batch
    onProgress: (p) =>
      ctx.report({ phase: "training", ...p, stageFraction: ((p.epoch - 1) + p.batch / p.batches) / epochs }),
    onEpochEnd: async (e) => {
      await recordMetrics(ctx.db, ctx.runId, ctx.stageIndex, e.epoch, { loss: e.loss, accuracy: e.accuracy, val_accuracy: e.valAccuracy, images_per_sec: e.imagesPerSec, learning_rate: e.learningRate ?? training.learningRate });
      await saveCheckpoint(ctx.runId, ctx.stageIndex, model, e.epoch);
    },
  });
  return model;
}
