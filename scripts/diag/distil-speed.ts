// Diagnostic: what a distillation step costs next to a plain training step — the same student (a NAS-space
// MobileNetV2, as the auto stage distils) trained by train() on Fashion-MNIST with cross-entropy alone, with the
// distillation loss whose teacher (ResNet-20, untrained: its cost does not depend on its weights) runs on every
// batch (what augmented training still does), and with the teacher's logits computed once before training
// (lib/compress/teacher-logits.ts, what distill and auto do without augmentation; the precompute is timed apart).
// Prints images/s of each, alternating, per round.
// Usage: npx tsx scripts/diag/distil-speed.ts [--limit 6400] [--rounds 2]
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/ml/backend/index";
import { loadFashionMnist } from "../../lib/ml/data/fashion-mnist";
import type { ImageSplit } from "../../lib/ml/data/types";
import { buildModel } from "../../lib/ml/models/zoo";
import { train, type TrainOptions } from "../../lib/ml/train";
import { trainSettingsOf } from "../../lib/pipeline/training-settings";
import { TrainingConfig } from "../../lib/schemas/pipeline";
import { distillationLoss } from "../../lib/compress/distill";
import { buildNasModel } from "../../lib/compress/nas-space";
import { teacherLogits } from "../../lib/compress/teacher-logits";

const arg = (n: string, d: number) => (process.argv.includes(`--${n}`) ? Number(process.argv[process.argv.indexOf(`--${n}`) + 1]) : d);

async function main() {
  console.log(JSON.stringify(await setupBackend(undefined)));
  const data = loadFashionMnist();
  const n = arg("limit", 6400);
  const pixels = data.train.shape[0] * data.train.shape[1] * data.train.shape[2];
  const split: ImageSplit = { ...data.train, count: n, images: data.train.images.subarray(0, n * pixels), labels: data.train.labels.subarray(0, n) };
  const noVal: ImageSplit = { ...split, count: 0, images: split.images.subarray(0, 0), labels: split.labels.subarray(0, 0) };
  const numClasses = data.classes.length;
  const teacher = buildModel("resnet", { inputShape: split.shape, numClasses, seed: 1 });
  const opts = (extra: Partial<TrainOptions>): TrainOptions => ({ ...trainSettingsOf(TrainingConfig.parse({ epochs: 1, batchSize: 64 }), data), seed: 1, numClasses, ...extra });
  const student = () => buildNasModel({ width: 0.5, depth: 1, kernel: 3, expansion: 6 }, { inputShape: split.shape, numClasses, seed: 2 });
  const kd: TrainOptions["loss"] = ({ logits, labels, images }) =>
    distillationLoss(logits, teacher.apply(images, { training: false }) as tf.Tensor2D, labels, { temperature: 4, alpha: 0.7, numClasses, labelSmoothing: 0 });
  const teacherOnly = () => {
    const t0 = performance.now();
    for (let s = 0; s < n; s += 64) tf.tidy(() => (teacher.predict(tf.zeros([Math.min(64, n - s), ...split.shape])) as tf.Tensor).dataSync());
    return n / ((performance.now() - t0) / 1000);
  };
  for (const warm of [student()]) { await train(warm, split, noVal, opts({ maxSteps: 5 })); await train(warm, split, noVal, opts({ maxSteps: 5, loss: kd })); warm.dispose(); }
  const t0 = performance.now();
  const teach = await teacherLogits(teacher, { training: opts({}), numClasses, signal: new AbortController().signal }, split);
  console.log(`teacher logits of ${n} images precomputed in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const cached: TrainOptions["loss"] = (batch) => distillationLoss(batch.logits, teach(batch), batch.labels, { temperature: 4, alpha: 0.7, numClasses, labelSmoothing: 0 });
  for (let r = 1; r <= arg("rounds", 2); r++) {
    for (const [name, loss] of [["cross-entropy", undefined], ["distillation, teacher per batch", kd], ["distillation, cached teacher logits", cached]] as const) {
      const m = student();
      const t0 = performance.now();
      await train(m, split, noVal, opts(loss ? { loss } : {}));
      console.log(`round ${r} ${name}: ${(n / ((performance.now() - t0) / 1000)).toFixed(0)} images/s`);
      m.dispose();
    }
    console.log(`round ${r} teacher forward alone (batch 64, predict): ${teacherOnly().toFixed(0)} images/s`);
  }
}
main();
