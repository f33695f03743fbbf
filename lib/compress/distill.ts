// Knowledge distillation (Hinton et al., 2015): the student learns from the teacher's softened logits and from
// the labels. loss = α·T²·KL(softmax(t/T) ‖ softmax(s/T)) + (1−α)·CE(y, softmax(s)). The T² keeps the soft
// gradients' scale independent of T.
import * as tf from "@tensorflow/tfjs";
import type { Architecture } from "../ml/models/architecture";
import { buildModel } from "../ml/models/zoo";
import { DistillParams, distillDescriptor } from "./distill.schema";
import { classifierObjective, crossEntropy, fineTune } from "./fine-tune";
import { cloneModel } from "./model-graph";
import { throwIfCancelled } from "./cancel";
import { teacherLogits } from "./teacher-logits";
import type { StageResult, Technique, TechniqueContext } from "./types";

/** The distillation loss on a batch of logits (mean over the batch). Pure: the unit test checks it by hand. */
export function distillationLoss(
  studentLogits: tf.Tensor2D,
  teacherLogits: tf.Tensor2D,
  labels: tf.Tensor1D,
  opts: { temperature: number; alpha: number; numClasses: number; labelSmoothing?: number },
): tf.Scalar {
  return tf.tidy(() => {
    const T = opts.temperature;
    const teacher = tf.softmax(tf.div(teacherLogits, T));
    const logTeacher = tf.logSoftmax(tf.div(teacherLogits, T));
    const logStudent = tf.logSoftmax(tf.div(studentLogits, T));
    // KL(p‖q) = Σ p (log p − log q), summed over classes, averaged over the batch.
    const kl = tf.mean(tf.sum(tf.mul(teacher, tf.sub(logTeacher, logStudent)), 1));
    const hard = crossEntropy(studentLogits, labels, opts.numClasses, opts.labelSmoothing);
    return tf.add(tf.mul(kl, opts.alpha * T * T), tf.mul(hard, 1 - opts.alpha)) as tf.Scalar;
  });
}

async function makeStudent(model: tf.LayersModel, params: DistillParams, ctx: TechniqueContext): Promise<tf.LayersModel> {
  if (params.student === "input") return cloneModel(model);
  return buildModel(params.student as Architecture, {
    inputShape: ctx.inputShape,
    numClasses: ctx.numClasses,
    seed: ctx.seed + 17,
    width: params.width,
    depth: params.depth,
  });
}

/** The teacher model and whether this stage loaded it (and so disposes it). */
async function teacherOf(model: tf.LayersModel, params: DistillParams, ctx: TechniqueContext): Promise<[tf.LayersModel, boolean]> {
  if (params.teacher === "input") return [model, false];
  if (params.teacher === "baseline") return [ctx.baseline, false];
  if (!params.teacherRunId || !ctx.loadRunModel) throw new Error('distill: teacher "run" needs teacherRunId and a model loader');
  return [await ctx.loadRunModel(params.teacherRunId), true];
}

async function apply(model: tf.LayersModel, params: DistillParams, ctx: TechniqueContext): Promise<StageResult> {
  throwIfCancelled(ctx);
  const [teacher, ownsTeacher] = await teacherOf(model, params, ctx);
  const student = await makeStudent(model, params, ctx);
  const teacherName = params.teacher === "run" ? `run ${params.teacherRunId} (${teacher.name})` : teacher.name;
  ctx.log(`distill: ${teacherName} → ${params.student === "input" ? "input model" : `${params.student} (width ${params.width})`}, T=${params.temperature}, α=${params.alpha}`);
  try {
    // The teacher runs in inference mode (moving BN statistics) and gets no gradient: it is not in `variables`.
    const teach = await teacherLogits(teacher, ctx, ctx.train);
    const { valAccuracy } = await fineTune(ctx, {
      ...classifierObjective(student),
      epochs: params.epochs,
      learningRate: params.learningRate,
      loss: (batch) => distillationLoss(batch.logits, teach(batch), batch.labels, { ...params, numClasses: ctx.numClasses, labelSmoothing: ctx.training.labelSmoothing }),
      checkpoint: "distill",
    });
    return {
      model: student, precision: "fp32",
      details: { teacher: teacherName, ...(params.teacherRunId ? { teacherRunId: params.teacherRunId } : {}), student: student.name, temperature: params.temperature, alpha: params.alpha, valAccuracy },
    };
  } catch (e) {
    student.dispose();
    throw e;
  } finally {
    if (ownsTeacher) teacher.dispose();
  }
}

export const distill = {
  ...distillDescriptor,
  apply,
} satisfies Technique<DistillParams>;
