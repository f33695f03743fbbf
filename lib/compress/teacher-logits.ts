// The teacher's logits for a distillation step's batch. The teacher runs in inference mode — a fixed function of
// the image — so without augmentation a batch's teacher logits are the same every epoch: they are computed once
// over the training split before the student trains, and each step gathers its batch's rows. A step then costs
// what a plain training step does: running the teacher on every batch cost the student 43 % of its images/s
// (MobileNetV2 w0.5 from an untrained ResNet-20 on the onednn backend: 1,250 → 710 images/s,
// scripts/diag/distil-speed.ts). With augmentation each epoch's images differ: the teacher runs on each batch.
import * as tf from "@tensorflow/tfjs";
import { isAugmenting } from "../ml/augment";
import type { ImageSplit } from "../ml/data/types";
import { imageBatch } from "../ml/tensors";
import type { LossInput } from "../ml/train";
import { throwIfCancelled } from "./cancel";
import type { TechniqueContext } from "./types";

/** Images the teacher sees at once while its logits are precomputed (inference only: no activations kept). */
const PRECOMPUTE_BATCH = 256;

export type TeacherLogits = (input: LossInput) => tf.Tensor2D;

/** A function giving the teacher's logits of a training batch, for students trained on `split` with ctx's settings. */
export async function teacherLogits(teacher: tf.LayersModel, ctx: Pick<TechniqueContext, "training" | "numClasses" | "signal">, split: ImageSplit): Promise<TeacherLogits> {
  if (isAugmenting(ctx.training.augment)) return ({ images }) => teacher.apply(images, { training: false }) as tf.Tensor2D;
  const classes = ctx.numClasses;
  const table = new Float32Array(split.count * classes);
  for (let start = 0; start < split.count; start += PRECOMPUTE_BATCH) {
    throwIfCancelled(ctx);
    const end = Math.min(split.count, start + PRECOMPUTE_BATCH);
    table.set(tf.tidy(() => (teacher.predict(imageBatch(split, start, end)) as tf.Tensor).dataSync() as Float32Array), start * classes);
    // A yield now and then: a cancel or the worker's heartbeat is not held up by the whole split.
    if ((start / PRECOMPUTE_BATCH) % 16 === 15) await new Promise((resolve) => setImmediate(resolve));
  }
  return ({ indices }) => {
    const rows = new Float32Array(indices.length * classes);
    for (let i = 0; i < indices.length; i++) rows.set(table.subarray(indices[i] * classes, (indices[i] + 1) * classes), i * classes);
    return tf.tensor2d(rows, [indices.length, classes]);
  };
}
