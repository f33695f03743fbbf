// The zoo's models (bench-cnn, MobileNetV2-0.5, ResNet-20) trained by the worker's loop, lib/ml/train.ts train(),
// on the onednn backend (NHWC convolutions, Adam in one native kernel per variable) against the per-op path on the
// cpu reference backend (tf.train.adam): gradients and one optimizer step on the same gradients agree within 1e-4
// relative, and so does a whole train() step up to Adam's own amplification (below); 2,000 steps of train() leave
// no tensor behind and do not grow native memory.
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import type { ImageSplit } from "../data/types";
import type { Architecture } from "../models/architecture";
import { buildModel } from "../models/zoo";
import { train, type TrainOptions } from "../train";
import { setupBackend } from "./index";
import { loadNative } from "./native";
import { kernelStats } from "./onednn";
import { adam } from "./optimizers";
import { useTrainingFastPaths } from "./training-fast-paths";
import { expectClose, rand, reseed, runOn } from "./test-util";

const hasNative = "addon" in loadNative();
const CLASSES = 10;

function randomSplit(count: number, shape: [number, number, number]): ImageSplit {
  const images = Uint8Array.from({ length: count * shape[0] * shape[1] * shape[2] }, () => Math.floor((rand() + 1) * 127.9));
  const labels = Uint8Array.from({ length: count }, (_, i) => i % CLASSES);
  return { images, labels, count, shape };
}
const noVal: ImageSplit = { images: new Uint8Array(0), labels: new Uint8Array(0), count: 0, shape: [28, 28, 1] };

const options = (count: number, extra: Partial<TrainOptions> = {}): TrainOptions => ({
  epochs: 1, batchSize: count, learningRate: 1e-3, optimizer: "adam", seed: 3, numClasses: CLASSES, reportEvery: 1,
  onProgress: () => {}, signal: new AbortController().signal, ...extra,
});

/** Every trainable variable's gradient for one batch in training mode (the loss train() uses), through the fast
 *  paths train() installs (fused BatchNorm+ReLU on onednn; on cpu they stay off: the per-op reference). */
function gradients(arch: Architecture, split: ImageSplit) {
  return () => {
    const model = buildModel(arch, { inputShape: split.shape, numClasses: CLASSES, seed: 5 });
    const undo = useTrainingFastPaths(model, { fuseActivations: true });
    const x = tf.tensor4d(Float32Array.from(split.images, (v) => v / 255), [split.count, ...split.shape]);
    const y = tf.oneHot(tf.tensor1d(Int32Array.from(split.labels), "int32"), CLASSES);
    const { grads } = tf.variableGrads(() =>
      tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar);
    const out = model.trainableWeights.map((w) => grads[(w.read() as tf.Variable).name]);
    undo();
    model.dispose();
    return out;
  };
}

/** Every weight (BatchNorm statistics included) after one step of train() from the same initial weights, with the
 *  index of each trainable weight among them. */
async function oneStep(backend: string, arch: Architecture, split: ImageSplit) {
  await tf.setBackend(backend);
  const model = buildModel(arch, { inputShape: split.shape, numClasses: CLASSES, seed: 5 });
  await train(model, split, noVal, options(split.count, { maxSteps: 1 }));
  const weights = await Promise.all(model.getWeights().map(async (w) => Float32Array.from(await w.data() as Float32Array)));
  const names = model.weights.map((w) => w.name);
  const trainable = model.trainableWeights.map((w) => names.indexOf(w.name));
  model.dispose();
  return { weights, trainable };
}

/** The trainable weights after one Adam step (fused on onednn, tf.train.adam on cpu) with the given gradients. */
function adamStep(arch: Architecture, shape: [number, number, number], grads: Float32Array[], fused: boolean) {
  return () => {
    const model = buildModel(arch, { inputShape: shape, numClasses: CLASSES, seed: 5 });
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const optimizer = fused ? adam(1e-3) : tf.train.adam(1e-3);
    optimizer.applyGradients(vars.map((v, i) => ({ name: v.name, tensor: tf.tensor(grads[i], v.shape) })));
    const out = vars.map((v) => v.clone());
    optimizer.dispose();
    model.dispose();
    return out;
  };
}

/** Per trainable weight, the elements whose reference gradient is rounding noise. */
const trainableNoiseOnly = (grads: Float32Array[]) =>
  grads.map((g) => { const idx: number[] = []; g.forEach((v, i) => { if (Math.abs(v) < 1e-5) idx.push(i); }); return idx; });

const ZOO: Architecture[] = ["bench-cnn", "mobilenet-v2", "resnet"];

describe.skipIf(!hasNative)("zoo models trained by train() on onednn vs the cpu reference", () => {
  it.each(ZOO)("%s: gradients and one optimizer step match cpu (1e-4 relative)", async (arch) => {
    await setupBackend("onednn");
    // The same batch whichever tests run (vitest -t), not the numbers the previous test left: batch 8 (2 for
    // ResNet-20, slow on cpu). MobileNetV2 skips the first batch: one of its bn_4 pre-activations lies 3e-8 from
    // the ReLU6 kink at 0 (measured in float64), closer than float32 rounding, so which side it falls on — whether
    // that pixel's gradient passes — is the rounding's choice, not the code's; see below.
    reseed();
    if (arch === "mobilenet-v2") randomSplit(8, [28, 28, 1]);
    const split = randomSplit(arch === "resnet" ? 2 : 8, [28, 28, 1]);
    const before = kernelStats.fallback;
    const ran = (k: string) => kernelStats.byKernel.get(k)?.native ?? 0;
    const [bnBefore, reluBefore] = [ran("LabBatchNormTrain"), ran("Relu")];
    const actual = await runOn("onednn", gradients(arch, split));
    expect(kernelStats.fallback, "a native kernel fell back to cpu").toBe(before);
    expect(ran("LabBatchNormTrain"), "BatchNorm trained through the native kernel").toBeGreaterThan(bnBefore);
    // every ReLU of bench-cnn follows a BatchNorm and is fused into it
    if (arch === "bench-cnn") expect(ran("Relu"), "a ReLU ran although its BatchNorm fuses it").toBe(reluBefore);
    const reference = await runOn("cpu", gradients(arch, split));
    // 1e-4 of each tensor's largest reference gradient (floor 1e-2: a BatchNorm beta feeding a 1x1 convolution and
    // another BatchNorm has a gradient that is zero in exact arithmetic, nothing but rounding), for every model.
    // MobileNetV2 used to be held to 5e-3, blamed on BatchNorm over tiny maps. Measured against a float64
    // computation of the same network on the same batch (scripts/bench/zoo-gradients.ts, then torch_gradcheck.py):
    // on this batch cpu is within 9e-6 of it and onednn within 1.7e-5 on every tensor. What had exceeded 1e-4 was
    // the first batch: a bn_4 pre-activation 3e-8 from zero, which onednn's BatchNorm (x * k + b in float32) puts
    // on the other side of the ReLU6 kink than cpu (float64, rounded once) and float64 do; that one pixel's
    // gradient then moves the first stage's gradients by up to 4.7e-3 (bn_4/beta), with the fused paths on or off
    // and with the cpu FusedBatchNorm kernel standing in the error vanishes. A gradient at a kink is undefined by one
    // pixel's share, so such a batch tests rounding luck; this one's nearest pre-activation is 6.4e-7 from a kink.
    expectClose(actual, reference, 1e-4, 1e-2);

    // floor 1e-2: a zero-initialised bias or beta is ±lr after the step, and Adam's lr * m / (sqrt(v) + 1e-7)
    // differs by ~3e-7 between the two float orders of evaluation where |g| is near 1e-7
    expectClose(await runOn("onednn", adamStep(arch, split.shape, reference, true)),
      await runOn("cpu", adamStep(arch, split.shape, reference, false)), 1e-4, 1e-2);

    const adamRuns = kernelStats.byKernel.get("LabAdamUpdate")?.native ?? 0;
    const stepped = await oneStep("onednn", arch, split);
    // train()'s Adam ran as the fused native kernel, not as tf.train.adam's ~12 small ops per variable
    expect(kernelStats.byKernel.get("LabAdamUpdate")?.native ?? 0).toBeGreaterThan(adamRuns);
    const expected = await oneStep("cpu", arch, split);
    // Adam's first step is lr * g / (|g| + 1e-7), i.e. ±lr: where a gradient is zero in exact arithmetic (a BatchNorm
    // beta feeding a 1x1 convolution and another BatchNorm, which removes any shift) both paths step by ±lr on the
    // sign of their rounding noise (~3e-7). Those elements (|g| < 1e-5 on cpu) are left out; all others are compared.
    trainableNoiseOnly(reference).forEach((noise, k) => {
      const w = expected.trainable[k];
      noise.forEach((i) => { stepped.weights[w][i] = expected.weights[w][i]; });
    });
    // The trainable weights: train() ends by recalibrating BatchNorm's moving statistics on the training images
    // (lib/ml/recalibrate-batchnorm.ts), and in MobileNetV2's 1x1 stages those statistics are of values that are
    // rounding noise around zero, so they are not compared.
    const trainableOf = (r: typeof stepped) => r.trainable.map((i) => r.weights[i]);
    expectClose(trainableOf(stepped), trainableOf(expected), 1e-4, 1e-3);
    await tf.setBackend("onednn");
  }, 400_000); // ResNet-20 on the pure-JS cpu backend is the slow part

  it("2,000 steps of train() leave no tensor and do not grow memory", async () => {
    await setupBackend("onednn");
    const split = randomSplit(8, [8, 8, 1]); // small data: the step count, not the tensor size, is what is tested
    const model = buildModel("bench-cnn", { inputShape: split.shape, numClasses: CLASSES, seed: 5 });
    await train(model, split, noVal, options(4, { epochs: 10 })); // warm-up: primitive cache, heap
    const tensors = tf.memory().numTensors;
    // Native memory: RSS less the JS heap, whose garbage swings RSS by ~90 MB between collections (measured).
    // The first 1,000 steps let the malloc heap settle; a leak would still grow in the second 1,000.
    const native = () => { const m = process.memoryUsage(); return m.rss - m.heapTotal; };
    let nativeAt1000 = 0;
    await train(model, split, noVal, options(4, {
      epochs: 1000, // 2 batches an epoch
      afterStep: (step) => { if (step === 1000) nativeAt1000 = native(); },
    }));
    expect(tf.memory().numTensors).toBe(tensors);
    const growth = native() - nativeAt1000;
    expect(growth, `native memory grew ${(growth / 2 ** 20).toFixed(1)} MB`).toBeLessThan(32 * 1024 * 1024);
    model.dispose();
  }, 170_000);
});
