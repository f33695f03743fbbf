// End to end: gradients of a small CNN (conv, strided conv, depthwise, batch norm, ReLU/ReLU6, pooling, dense)
// on each training backend vs the cpu reference; no tensor leak over many steps; onednn and wasm reach the same
// accuracy on real data.
import * as tf from "@tensorflow/tfjs";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { setupBackend } from "./index";
import { loadNative } from "./native";
import { kernelStats } from "./onednn";
import { useTrainingFastPaths } from "./training-fast-paths";
import { expectClose, randomArray, runOn } from "./test-util";

const hasNative = "addon" in loadNative();

function smallModel(inputShape: [number, number, number], classes: number, seed = 7): tf.LayersModel {
  const init = (s: number) => tf.initializers.heNormal({ seed: seed * 100 + s });
  const input = tf.input({ shape: inputShape });
  let x = tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: "same", useBias: false, kernelInitializer: init(1) })
    .apply(input) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({ momentum: 0.9 }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.reLU().apply(x) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: "same", useBias: false, kernelInitializer: init(2) })
    .apply(x) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({ momentum: 0.9 }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.reLU({ maxValue: 6 }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: "same", useBias: false,
    depthwiseInitializer: init(3) }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({ momentum: 0.9 }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.reLU().apply(x) as tf.SymbolicTensor;
  x = tf.layers.maxPooling2d({ poolSize: 2 }).apply(x) as tf.SymbolicTensor;
  // a bias before batch norm has a zero gradient (rounding noise, which Adam amplifies): only here, after pooling
  x = tf.layers.conv2d({ filters: 12, kernelSize: 1, kernelInitializer: init(4) })
    .apply(x) as tf.SymbolicTensor;
  x = tf.layers.averagePooling2d({ poolSize: 2, padding: "same" }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: classes, kernelInitializer: tf.initializers.glorotUniform({ seed }) })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: x });
}

/** Loss, every trainable variable's gradient and the updated BatchNorm moving statistics for one batch, in
 *  training mode. */
function gradients(x: Float32Array, y: Float32Array, n: number) {
  return () => {
    const model = smallModel([13, 13, 2], 5);
    const undo = useTrainingFastPaths(model, { fuseActivations: true }); // as train() does; off on cpu and wasm
    const xs = tf.tensor4d(x, [n, 13, 13, 2]), ys = tf.tensor2d(y, [n, 5]);
    const { value, grads } = tf.variableGrads(() =>
      tf.losses.softmaxCrossEntropy(ys, model.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar);
    undo();
    const out = [value, ...model.trainableWeights.map((w) => grads[w.originalName]),
      ...model.nonTrainableWeights.map((w) => w.read().clone())];
    model.dispose();
    return out;
  };
}

const backends = [...(hasNative ? ["onednn"] : []), "wasm"];

describe.each(backends)("training on %s", (backend) => {
  it("gradients of a small CNN match cpu", async () => {
    await setupBackend(backend);
    const n = 6, x = randomArray([n, 13, 13, 2]), y = new Float32Array(n * 5);
    for (let i = 0; i < n; i++) y[i * 5 + (i % 5)] = 1;
    const actual = await runOn(backend, gradients(x, y, n));
    const expected = await runOn("cpu", gradients(x, y, n));
    expectClose(actual, expected, 1e-4, 1e-3);
    // on onednn, BatchNorm (with its ReLU/ReLU6) trained through the fused kernel (training-fast-paths.ts), not tf.moments
    if (backend === "onednn") expect(kernelStats.byKernel.get("LabBatchNormTrain")?.native).toBeGreaterThan(0);
  });

  it("does not leak tensors or memory over many steps", async () => {
    await setupBackend(backend);
    await tf.setBackend(backend);
    const model = smallModel([13, 13, 2], 5);
    const opt = tf.train.adam(1e-3);
    const xs = tf.tensor4d(randomArray([8, 13, 13, 2]), [8, 13, 13, 2]);
    const ys = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 0, 1, 2], "int32"), 5);
    const step = () => tf.dispose(opt.minimize(() =>
      tf.losses.softmaxCrossEntropy(ys, model.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar, true) ?? []);
    const steps = backend === "onednn" ? 1000 : 200;
    for (let i = 0; i < 20; i++) step(); // warm-up: optimizer slots, primitive cache
    const tensors = tf.memory().numTensors;
    for (let i = 0; i < steps / 4; i++) step(); // the heap settles
    const rss = process.memoryUsage().rss;
    for (let i = 0; i < (3 * steps) / 4; i++) step();
    expect(tf.memory().numTensors).toBe(tensors);
    const growth = process.memoryUsage().rss - rss;
    expect(growth, `RSS grew ${(growth / 2 ** 20).toFixed(1)} MB`).toBeLessThan(32 * 1024 * 1024);
    tf.dispose([xs, ys]);
    opt.dispose();
    model.dispose();
  }, 120_000);
});

/** bench-cnn's layers (conv3x3(32) → conv3x3(32,s2) → dw3x3 → conv1x1(64) → conv3x3(64,s2), each +BN+ReLU → GAP →
 *  dense), with batch-norm momentum 0.9 so that the moving statistics settle within a short test. */
function benchLike(seed: number): tf.LayersModel {
  const input = tf.input({ shape: [28, 28, 1] });
  let x: tf.SymbolicTensor = input;
  const block = (layer: tf.layers.Layer) => {
    x = layer.apply(x) as tf.SymbolicTensor;
    x = tf.layers.batchNormalization({ momentum: 0.9 }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.reLU().apply(x) as tf.SymbolicTensor;
  };
  let s = seed * 10;
  const conv = (filters: number, kernelSize: number, strides = 1) => tf.layers.conv2d({ filters, kernelSize, strides,
    padding: "same", useBias: false, kernelInitializer: tf.initializers.heNormal({ seed: ++s }) });
  block(conv(32, 3));
  block(conv(32, 3, 2));
  block(tf.layers.depthwiseConv2d({ kernelSize: 3, padding: "same", useBias: false,
    depthwiseInitializer: tf.initializers.heNormal({ seed: ++s }) }));
  block(conv(64, 1));
  block(conv(64, 3, 2));
  x = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: 10, kernelInitializer: tf.initializers.glorotUniform({ seed: ++s }) })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: x });
}

const fashion = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz";
describe.skipIf(!hasNative || !existsSync(fashion))("onednn vs wasm on Fashion-MNIST", () => {
  it("one epoch of a subset, same seed: test accuracies within 1 pp", async () => {
    const { loadFashionMnist } = await import("../data/fashion-mnist");
    const data = loadFashionMnist();
    const train = 1536, test = 1000, batch = 32;
    const toTensors = (split: typeof data.train, from: number, count: number) => tf.tidy(() => [
      tf.tensor4d(Float32Array.from(split.images.subarray(from * 784, (from + count) * 784), (v) => v / 255),
        [count, 28, 28, 1]),
      tf.oneHot(tf.tensor1d(Int32Array.from(split.labels.subarray(from, from + count)), "int32"), 10),
    ]);
    const accuracy = async (backend: string) => {
      await setupBackend(backend);
      const model = benchLike(3);
      const opt = tf.train.adam(3e-3);
      for (let from = 0; from < train; from += batch) {
        const [xs, ys] = toTensors(data.train, from, batch);
        tf.dispose(opt.minimize(() =>
          tf.losses.softmaxCrossEntropy(ys, model.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar) ?? []);
        tf.dispose([xs, ys]);
      }
      const [xs, ys] = toTensors(data.test, 0, test);
      const acc = tf.tidy(() =>
        (model.predict(xs, { batchSize: 250 }) as tf.Tensor).argMax(-1).equal(ys.argMax(-1)).mean().dataSync()[0]);
      tf.dispose([xs, ys]);
      opt.dispose();
      model.dispose();
      return acc;
    };
    const onednn = await accuracy("onednn");
    const wasm = await accuracy("wasm");
    const msg = `onednn ${onednn}, wasm ${wasm}`;
    expect(onednn, msg).toBeGreaterThan(0.6); // it learned
    expect(Math.abs(onednn - wasm), msg).toBeLessThanOrEqual(0.01);
  }, 170_000);
});

describe.skipIf(!hasNative)("fused Adam", () => {
  it("matches tf.train.adam on cpu over several steps", async () => {
    const { adam } = await import("./optimizers");
    const n = 6, x = randomArray([n, 13, 13, 2]), y = new Float32Array(n * 5);
    for (let i = 0; i < n; i++) y[i * 5 + (i % 5)] = 1;
    const train = (backend: string, fused: boolean) => runOn(backend, () => {
      const model = smallModel([13, 13, 2], 5);
      const opt = fused ? adam(0.01) : tf.train.adam(0.01);
      const xs = tf.tensor4d(x, [n, 13, 13, 2]), ys = tf.tensor2d(y, [n, 5]);
      for (let i = 0; i < 5; i++) {
        opt.minimize(() => tf.losses.softmaxCrossEntropy(ys, model.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar);
      }
      const out = model.getWeights().map((w) => w.clone());
      opt.dispose();
      model.dispose();
      return out;
    });
    await setupBackend("onednn");
    expectClose(await train("onednn", true), await train("cpu", false), 1e-4, 1e-3);
  });
});
