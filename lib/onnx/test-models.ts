/**
 * Models for the exporter tests: the real zoo (`zooModel`), plus two the zoo has no use for that exercise the
 * rest of the converter (`plainCnn`: Flatten's row permutation; `miscOps`: every other supported layer).
 * `randomizeWeights` gives every weight — including BatchNorm moving statistics and biases — seeded
 * non-trivial values, so folding and layout bugs cannot hide behind zeros and ones.
 */
import * as tf from "@tensorflow/tfjs";
import type { Architecture } from "../ml/models/architecture";
import { buildModel, type ModelOptions } from "../ml/models/zoo";
import { seededRandom } from "../ml/random";

/** A standard normal sample (Box–Muller) from the project's seeded PRNG, so tests are reproducible. */
function randn(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

export function randomImages(n: number, h: number, w: number, c: number, seed = 1): Float32Array {
  const r = seededRandom(seed);
  return Float32Array.from({ length: n * h * w * c }, () => r());
}

export function randomizeWeights(model: tf.LayersModel, seed = 7): void {
  const r = seededRandom(seed);
  for (const layer of model.layers) {
    const ws = layer.weights;
    if (ws.length === 0) continue;
    const values = ws.map((v) => {
      const short = v.originalName.split("/").pop()!;
      const shape = v.shape as number[];
      const size = shape.reduce((a, b) => a * b, 1);
      const fanIn = shape.length === 4 ? shape[0] * shape[1] * (short === "depthwise_kernel" ? 1 : shape[2]) : shape.length === 2 ? shape[0] : 1;
      const gen: () => number =
        short === "moving_variance"
          ? () => 0.5 + 1.5 * r()
          : short === "gamma"
            ? () => 0.5 + r()
            : short === "moving_mean"
              ? () => 0.5 * randn(r)
              : short === "beta" || short === "bias"
                ? () => 0.2 * randn(r)
                : () => Math.sqrt(2 / fanIn) * randn(r);
      return tf.tensor(Float32Array.from({ length: size }, gen), shape);
    });
    layer.setWeights(values);
    values.forEach((v) => v.dispose());
  }
}

const L = tf.layers;

/** conv → maxpool → conv(no bias)+BN+ReLU → flatten → dropout → dense: exercises the Flatten row permutation. */
export function plainCnn(inputShape: [number, number, number] = [12, 12, 3], numClasses = 10): tf.LayersModel {
  return tf.sequential({
    name: "plain_cnn",
    layers: [
      L.conv2d({ inputShape, filters: 8, kernelSize: 3, padding: "same", activation: "relu" }),
      L.maxPooling2d({ poolSize: 2 }),
      L.conv2d({ filters: 16, kernelSize: 3, useBias: false }),
      L.batchNormalization(),
      L.reLU(),
      L.flatten(),
      L.dropout({ rate: 0.25 }),
      L.dense({ units: numClasses }),
    ],
  });
}

/**
 * A model of the real zoo (lib/ml/models/zoo.ts) for the exporter tests: 10 classes, at the input size asked
 * for. The zoo is what runs export, so its architectures are tested as built, not as a copy.
 */
export function zooModel(arch: Architecture, inputShape: [number, number, number] = [28, 28, 1], opts: Pick<ModelOptions, "width" | "depth"> = {}): tf.LayersModel {
  return buildModel(arch, { inputShape, numClasses: 10, ...opts });
}

/**
 * Everything else: zero padding, dilation, separable conv, max/avg pooling with "same" padding, concat,
 * a squeeze-excite multiply through Reshape, a standalone BN (after a concat, so not foldable), leaky ReLU,
 * hard sigmoid, a Dense with fused BN, and a final softmax.
 */
export function miscOps(inputShape: [number, number, number] = [15, 15, 4], numClasses = 6, finalActivation: "linear" | "softmax" = "softmax"): tf.LayersModel {
  const x = tf.input({ shape: inputShape });
  let y = L.zeroPadding2d({ padding: [[1, 2], [0, 1]] }).apply(x) as tf.SymbolicTensor;
  y = L.conv2d({ filters: 12, kernelSize: 3, strides: 2, activation: "relu" }).apply(y) as tf.SymbolicTensor;
  const a = L.conv2d({ filters: 8, kernelSize: 3, dilationRate: 2, padding: "same", activation: "relu6" }).apply(y) as tf.SymbolicTensor;
  const b = L.maxPooling2d({ poolSize: 3, strides: 1, padding: "same" }).apply(y) as tf.SymbolicTensor;
  const c = L.separableConv2d({ filters: 6, kernelSize: 3, padding: "same", depthMultiplier: 2 }).apply(y) as tf.SymbolicTensor;
  let m = L.concatenate({ axis: -1 }).apply([a, b, c]) as tf.SymbolicTensor; // 26 channels
  m = L.batchNormalization().apply(m) as tf.SymbolicTensor;
  m = L.leakyReLU({ alpha: 0.1 }).apply(m) as tf.SymbolicTensor;
  // squeeze-excite
  let se = L.globalAveragePooling2d({}).apply(m) as tf.SymbolicTensor;
  se = L.dense({ units: 26, activation: "hardSigmoid" }).apply(se) as tf.SymbolicTensor;
  se = L.reshape({ targetShape: [1, 1, 26] }).apply(se) as tf.SymbolicTensor;
  m = L.multiply().apply([m, se]) as tf.SymbolicTensor;
  m = L.averagePooling2d({ poolSize: 3, strides: 2, padding: "same" }).apply(m) as tf.SymbolicTensor;
  let f = L.flatten().apply(m) as tf.SymbolicTensor;
  f = L.dense({ units: 16 }).apply(f) as tf.SymbolicTensor;
  f = L.batchNormalization().apply(f) as tf.SymbolicTensor; // folded into the dense
  f = L.activation({ activation: "tanh" }).apply(f) as tf.SymbolicTensor;
  f = L.dense({ units: numClasses, activation: finalActivation }).apply(f) as tf.SymbolicTensor;
  return tf.model({ inputs: x, outputs: f, name: "misc_ops" });
}
