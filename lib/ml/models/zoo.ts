// The model zoo. Every model outputs logits (no softmax): losses and the ONNX export both want them.
import * as tf from "@tensorflow/tfjs";
import { makeDivisible, MOBILENET_V2_STAGES, type Architecture, type MobileNetKnobs } from "./architecture";
import { activation, add, blockContext, classifierHead, convBn, depthwiseBn, type BlockContext, type Layer } from "./blocks";

export interface ModelOptions {
  inputShape: [number, number, number];
  numClasses: number;
  seed?: number;
  /** Width multiplier: MobileNetV2 (default 0.5) and ResNet (default 1: 16/32/64 channels) scale their channels with it. */
  width?: number;
  /** ResNet: basic blocks per stage (3 → ResNet-20). */
  depth?: number;
}

/** conv3x3(32) → conv3x3(32,s2) → dw3x3 → conv1x1(64) → conv3x3(64,s2), each +BN+ReLU → GAP → dense. */
function benchCnn(ctx: BlockContext, x: Layer, numClasses: number): Layer {
  x = convBn(ctx, x, 32);
  x = convBn(ctx, x, 32, { strides: 2 });
  x = depthwiseBn(ctx, x);
  x = convBn(ctx, x, 64, { kernel: 1 });
  x = convBn(ctx, x, 64, { strides: 2 });
  return classifierHead(ctx, x, numClasses);
}

function smallCnn(ctx: BlockContext, x: Layer, numClasses: number): Layer {
  for (const filters of [16, 32, 64]) {
    x = convBn(ctx, x, filters);
    x = tf.layers.maxPooling2d({ name: ctx.name("maxpool"), poolSize: 2 }).apply(x) as Layer;
  }
  return classifierHead(ctx, x, numClasses);
}

/**
 * MobileNetV2 (MOBILENET_V2_STAGES) with the given knobs: inverted residuals with ReLU6, residual when shapes
 * match. The zoo's is { width, depth: Infinity, kernel: 3, expansion: 6 }; the NAS space builds the others.
 */
export function mobileNetV2(ctx: BlockContext, x: Layer, numClasses: number, k: MobileNetKnobs): Layer {
  x = convBn(ctx, x, makeDivisible(32 * k.width), { relu: "relu6" });
  let channels = makeDivisible(32 * k.width);
  for (const [s, [c, repeats, stride]] of MOBILENET_V2_STAGES.entries()) {
    const expansion = s === 0 ? 1 : k.expansion;
    const out = makeDivisible(c * k.width);
    for (let i = 0; i < Math.min(repeats, k.depth); i++) {
      const input = x;
      let y = expansion === 1 ? x : convBn(ctx, x, channels * expansion, { kernel: 1, relu: "relu6" });
      y = depthwiseBn(ctx, y, { kernel: k.kernel, strides: i === 0 ? stride : 1, relu: "relu6" });
      y = convBn(ctx, y, out, { kernel: 1, relu: null });
      x = i > 0 || (stride === 1 && channels === out) ? add(ctx, input, y) : y;
      channels = out;
    }
  }
  x = convBn(ctx, x, makeDivisible(256 * Math.max(1, k.width)), { kernel: 1, relu: "relu6" });
  return classifierHead(ctx, x, numClasses);
}

/**
 * CIFAR-style ResNet (He et al.): 3 stages of `depth` basic blocks, 16/32/64 channels × width; ResNet-20 at
 * depth 3, ResNet-8 at depth 1. Wider variants (width 2–4, "WRN"-style) make stronger teachers.
 */
function resNet(ctx: BlockContext, x: Layer, numClasses: number, depth: number, width: number): Layer {
  const widths = [16, 32, 64].map((c) => Math.max(8, Math.round(c * width)));
  x = convBn(ctx, x, widths[0]);
  let channels = widths[0];
  for (const [stage, filters] of widths.entries()) {
    for (let i = 0; i < depth; i++) {
      const stride = stage > 0 && i === 0 ? 2 : 1;
      let y = convBn(ctx, x, filters, { strides: stride });
      y = convBn(ctx, y, filters, { relu: null });
      const shortcut = stride !== 1 || channels !== filters ? convBn(ctx, x, filters, { kernel: 1, strides: stride, relu: null }) : x;
      x = activation(ctx, add(ctx, shortcut, y), "relu");
      channels = filters;
    }
  }
  return classifierHead(ctx, x, numClasses);
}

export function buildModel(arch: Architecture, opts: ModelOptions): tf.LayersModel {
  const ctx = blockContext(opts.seed ?? 1);
  const input = tf.input({ shape: opts.inputShape, name: "input" });
  const logits =
    arch === "bench-cnn" ? benchCnn(ctx, input, opts.numClasses)
    : arch === "small-cnn" ? smallCnn(ctx, input, opts.numClasses)
    : arch === "mobilenet-v2" ? mobileNetV2(ctx, input, opts.numClasses, { width: opts.width ?? 0.5, depth: Infinity, kernel: 3, expansion: 6 })
    : resNet(ctx, input, opts.numClasses, opts.depth ?? 3, opts.width ?? 1);
  return tf.model({ inputs: input, outputs: logits, name: arch });
}
