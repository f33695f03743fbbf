/**
 * Architectures for the exporter tests (and the benchmark fallback): small, but each exercises a
 * different part of the converter. `randomizeWeights` gives every weight — including BatchNorm moving
 * statistics and biases — seeded non-trivial values, so folding and layout bugs cannot hide behind
 * zeros and ones.
 */
import * as tf from "@tensorflow/tfjs";
import { seededRandom } from "../ml/random";

/** The project's seeded PRNG, so tests are reproducible. */
export const rng = seededRandom;

export function randn(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

export function randomImages(n: number, h: number, w: number, c: number, seed = 1): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n * h * w * c }, () => r());
}

export function randomizeWeights(model: tf.LayersModel, seed = 7): void {
  const r = rng(seed);
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

/** The benchmark CNN: conv3x3(32)+BN+ReLU → conv3x3(32,s2)+BN+ReLU → dw3x3+BN+ReLU → conv1x1(64)+BN+ReLU → conv3x3(64,s2)+BN+ReLU → GAP → dense. */
export function benchCnn(inputShape: [number, number, number] = [28, 28, 1], numClasses = 10): tf.LayersModel {
  const x = tf.input({ shape: inputShape, name: "image" });
  let y = x as tf.SymbolicTensor;
  const block = (layer: tf.layers.Layer, name: string) => {
    y = layer.apply(y) as tf.SymbolicTensor;
    y = L.batchNormalization({ name: `${name}_bn` }).apply(y) as tf.SymbolicTensor;
    y = L.reLU({ name: `${name}_relu` }).apply(y) as tf.SymbolicTensor;
  };
  block(L.conv2d({ filters: 32, kernelSize: 3, padding: "same", useBias: false, name: "conv1" }), "conv1");
  block(L.conv2d({ filters: 32, kernelSize: 3, strides: 2, padding: "same", useBias: false, name: "conv2" }), "conv2");
  block(L.depthwiseConv2d({ kernelSize: 3, padding: "same", useBias: false, name: "dw3" }), "dw3");
  block(L.conv2d({ filters: 64, kernelSize: 1, useBias: false, name: "pw4" }), "pw4");
  block(L.conv2d({ filters: 64, kernelSize: 3, strides: 2, padding: "same", useBias: false, name: "conv5" }), "conv5");
  y = L.globalAveragePooling2d({ name: "gap" }).apply(y) as tf.SymbolicTensor;
  y = L.dense({ units: numClasses, name: "logits" }).apply(y) as tf.SymbolicTensor;
  return tf.model({ inputs: x, outputs: y, name: "bench_cnn" });
}

/** MobileNetV2-style inverted residuals (expand 1×1 → dw 3×3 → project 1×1, ReLU6, residual add). */
export function mobileNetV2(
  inputShape: [number, number, number] = [32, 32, 3],
  numClasses = 10,
  opts: { width?: number; blocks?: [number, number, number][] } = {},
): tf.LayersModel {
  const width = opts.width ?? 1;
  const ch = (c: number) => Math.max(8, Math.round((c * width) / 8) * 8);
  // [expansion, out channels, stride] per block
  const blocks = opts.blocks ?? [
    [1, 16, 1],
    [6, 24, 2],
    [6, 24, 1],
    [6, 32, 2],
    [6, 32, 1],
    [6, 64, 2],
    [6, 64, 1],
  ];
  const x = tf.input({ shape: inputShape, name: "image" });
  let y = L.conv2d({ filters: ch(32), kernelSize: 3, strides: 1, padding: "same", useBias: false, name: "stem" }).apply(x) as tf.SymbolicTensor;
  y = L.batchNormalization({ name: "stem_bn" }).apply(y) as tf.SymbolicTensor;
  y = L.reLU({ maxValue: 6, name: "stem_relu6" }).apply(y) as tf.SymbolicTensor;
  let cin = ch(32);
  blocks.forEach(([t, c, s], i) => {
    const cout = ch(c);
    const p = `b${i}`;
    let h = y;
    if (t !== 1) {
      h = L.conv2d({ filters: cin * t, kernelSize: 1, useBias: false, name: `${p}_expand` }).apply(h) as tf.SymbolicTensor;
      h = L.batchNormalization({ name: `${p}_expand_bn` }).apply(h) as tf.SymbolicTensor;
      h = L.reLU({ maxValue: 6, name: `${p}_expand_relu6` }).apply(h) as tf.SymbolicTensor;
    }
    h = L.depthwiseConv2d({ kernelSize: 3, strides: s, padding: "same", useBias: false, name: `${p}_dw` }).apply(h) as tf.SymbolicTensor;
    h = L.batchNormalization({ name: `${p}_dw_bn` }).apply(h) as tf.SymbolicTensor;
    h = L.activation({ activation: "relu6", name: `${p}_dw_relu6` }).apply(h) as tf.SymbolicTensor;
    h = L.conv2d({ filters: cout, kernelSize: 1, useBias: false, name: `${p}_project` }).apply(h) as tf.SymbolicTensor;
    h = L.batchNormalization({ name: `${p}_project_bn` }).apply(h) as tf.SymbolicTensor;
    y = s === 1 && cin === cout ? (L.add({ name: `${p}_add` }).apply([y, h]) as tf.SymbolicTensor) : h;
    cin = cout;
  });
  y = L.conv2d({ filters: ch(128), kernelSize: 1, useBias: false, name: "head" }).apply(y) as tf.SymbolicTensor;
  y = L.batchNormalization({ name: "head_bn" }).apply(y) as tf.SymbolicTensor;
  y = L.reLU({ maxValue: 6, name: "head_relu6" }).apply(y) as tf.SymbolicTensor;
  y = L.globalAveragePooling2d({ name: "gap" }).apply(y) as tf.SymbolicTensor;
  y = L.dropout({ rate: 0.2, name: "drop" }).apply(y) as tf.SymbolicTensor;
  y = L.dense({ units: numClasses, name: "logits" }).apply(y) as tf.SymbolicTensor;
  return tf.model({ inputs: x, outputs: y, name: `mobilenet_v2_${width}` });
}

/** ResNet basic blocks: identity shortcut and a strided 1×1 projection shortcut, ReLU after the add. */
export function resnetBlocks(inputShape: [number, number, number] = [16, 16, 3], numClasses = 10): tf.LayersModel {
  const x = tf.input({ shape: inputShape });
  const convBn = (t: tf.SymbolicTensor, filters: number, k: number, s: number, relu: boolean) => {
    let h = L.conv2d({ filters, kernelSize: k, strides: s, padding: "same", useBias: false }).apply(t) as tf.SymbolicTensor;
    h = L.batchNormalization().apply(h) as tf.SymbolicTensor;
    return relu ? (L.activation({ activation: "relu" }).apply(h) as tf.SymbolicTensor) : h;
  };
  let y = convBn(x, 16, 3, 1, true);
  // identity block
  let h = convBn(convBn(y, 16, 3, 1, true), 16, 3, 1, false);
  y = L.reLU().apply(L.add().apply([y, h]) as tf.SymbolicTensor) as tf.SymbolicTensor;
  // downsampling block with projection shortcut
  h = convBn(convBn(y, 32, 3, 2, true), 32, 3, 1, false);
  const sc = convBn(y, 32, 1, 2, false);
  y = L.reLU().apply(L.add().apply([sc, h]) as tf.SymbolicTensor) as tf.SymbolicTensor;
  y = L.globalAveragePooling2d({}).apply(y) as tf.SymbolicTensor;
  y = L.dense({ units: numClasses }).apply(y) as tf.SymbolicTensor;
  return tf.model({ inputs: x, outputs: y, name: "resnet_blocks" });
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
