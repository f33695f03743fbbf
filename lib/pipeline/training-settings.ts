// The run's training config as every stage's training loop takes it: one conversion, so the baseline and the
// techniques cannot drift apart (they used to: techniques turned adamw into adam and dropped the rest).
import { defaultAugmentation } from "../ml/augment";
import type { LoadedDataset } from "../ml/data/types";
import type { TrainSettings } from "../ml/train";
import type { TrainingConfig } from "../schemas/pipeline";

export function trainSettingsOf(training: TrainingConfig, data: Pick<LoadedDataset, "classes" | "train">): TrainSettings {
  const { epochs, batchSize, learningRate, optimizer, momentum, nesterov, weightDecay, schedule, labelSmoothing, augment } = training;
  return {
    epochs, batchSize, learningRate, optimizer, momentum, nesterov, weightDecay, schedule, labelSmoothing,
    augment: augment === "auto" ? defaultAugmentation(data) : augment === "off" ? undefined : augment,
  };
}
