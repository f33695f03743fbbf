// Issue #21: fast paths are chosen per model where it is trained, and nothing of tfjs is patched process-wide —
// the layer classes' prototypes stay tfjs's own, and train() leaves the model's layers as it found them.
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import type { ImageSplit } from "../data/types";
import { buildModel } from "../models/zoo";
import { train } from "../train";
import { ADD_RELU_KERNEL } from "./kernels/eltwise";
import { setupBackend } from "./index";
import { loadNative } from "./native";
import { kernelStats } from "./onednn";
import { expectClose, randomArray, runOn } from "./test-util";
import { useTrainingFastPaths } from "./training-fast-paths";

const hasNative = "addon" in loadNative();
const ownCall = (l: tf.layers.Layer) => Object.prototype.hasOwnProperty.call(l, "call");
const protoCalls = () => [tf.layers.batchNormalization({}), tf.layers.reLU({})].map((l) => Object.getPrototypeOf(l).call);

describe.skipIf(!hasNative)("training fast paths", () => {
  it("are set on one model's layer instances and undone, never on tfjs's prototypes", async () => {
    await setupBackend("onednn");
    const before = protoCalls();
    const model = buildModel("mobilenet-v2", { inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
    const undo = useTrainingFastPaths(model, { fuseActivations: true });
    const patched = model.layers.filter(ownCall).map((l) => l.getClassName());
    expect(new Set(patched)).toEqual(new Set(["BatchNormalization", "ReLU"]));
    expect(protoCalls()).toEqual(before);
    const other = buildModel("bench-cnn", { inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
    expect(other.layers.some(ownCall), "another model is untouched").toBe(false);
    undo();
    expect(model.layers.some(ownCall)).toBe(false);
    model.dispose();
    other.dispose();
  });

  it("train() installs them for its duration only", async () => {
    await setupBackend("onednn");
    const count = 8, shape: [number, number, number] = [28, 28, 1];
    const split: ImageSplit = { images: new Uint8Array(count * 784).fill(90), labels: Uint8Array.from({ length: count }, (_, i) => i % 10), count, shape };
    const model = buildModel("bench-cnn", { inputShape: shape, numClasses: 10, seed: 1 });
    let during = 0;
    await train(model, split, { ...split, count: 0 }, {
      epochs: 1, batchSize: 4, learningRate: 1e-3, optimizer: "adam", seed: 1, numClasses: 10, recalibrationImages: 0,
      afterStep: () => { during = model.layers.filter(ownCall).length; },
    });
    expect(during).toBeGreaterThan(0);
    expect(model.layers.some(ownCall)).toBe(false);
    model.dispose();
  });
});

/** Two residual blocks as ResNet's: conv → BN (→ ReLU), conv → BN, Add(shortcut, ·) → ReLU; then GAP → dense. */
function residualModel(): tf.LayersModel {
  let s = 40;
  const conv = () => tf.layers.conv2d({ filters: 6, kernelSize: 3, padding: "same", useBias: false,
    kernelInitializer: tf.initializers.heNormal({ seed: ++s }) });
  const apply = (l: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]) => l.apply(x) as tf.SymbolicTensor;
  const input = tf.input({ shape: [9, 9, 2] });
  let x = apply(tf.layers.reLU(), apply(tf.layers.batchNormalization({}), apply(conv(), input)));
  for (let block = 0; block < 2; block++) {
    const y = apply(tf.layers.batchNormalization({}), apply(conv(), x));
    x = apply(tf.layers.reLU(), apply(tf.layers.add({}), [x, y]));
  }
  x = apply(tf.layers.globalAveragePooling2d({}), x);
  return tf.model({ inputs: input, outputs: apply(tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }), x) });
}

describe.skipIf(!hasNative)("residual Add + ReLU", () => {
  const n = 5, x = randomArray([n, 9, 9, 2]), y = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) y[i * 3 + (i % 3)] = 1;
  /** Loss, the input-image gradient and every trainable variable's gradient in training mode. */
  const gradients = () => {
    const model = residualModel();
    const undo = useTrainingFastPaths(model, { fuseActivations: true }); // as train() does; off on cpu
    const xs = tf.tensor4d(x, [n, 9, 9, 2]), ys = tf.tensor2d(y, [n, 3]);
    const loss = () => tf.losses.softmaxCrossEntropy(ys, model.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar;
    const dx = tf.grad((images: tf.Tensor) => tf.losses.softmaxCrossEntropy(ys,
      model.apply(images, { training: true }) as tf.Tensor))(xs);
    const { value, grads } = tf.variableGrads(loss);
    undo();
    const out = [value, dx, ...model.trainableWeights.map((w) => grads[w.originalName])];
    model.dispose();
    return out;
  };

  it("trains through one fused kernel each way, with the cpu per-op path's gradients, and undoes", async () => {
    await setupBackend("onednn");
    const count = (name: string) => kernelStats.byKernel.get(name)?.native ?? 0;
    const relu0 = count("Relu"), fused0 = count(ADD_RELU_KERNEL), reluGrad0 = count("LabReluGrad");
    const actual = await runOn("onednn", gradients);
    // two passes (tf.grad, then variableGrads), each with two residual blocks
    expect(count(ADD_RELU_KERNEL) - fused0).toBe(4);
    expect(count("Relu") - relu0, "the ReLU after a fused Add ran its own kernel").toBe(0);
    expect(count("LabReluGrad") - reluGrad0).toBe(4);
    expectClose(actual, await runOn("cpu", gradients), 1e-4, 1e-3);

    await tf.setBackend("onednn");
    const model = residualModel();
    const adds = model.layers.filter((l) => l.getClassName() === "Add");
    const undo = useTrainingFastPaths(model, { fuseActivations: true });
    expect(adds.every(ownCall)).toBe(true);
    undo();
    expect(model.layers.some(ownCall)).toBe(false);
    const unfused = useTrainingFastPaths(model); // without fuseActivations an Add stays tfjs's
    expect(adds.some(ownCall)).toBe(false);
    unfused();
    model.dispose();
  });
});
