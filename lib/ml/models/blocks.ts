// Building blocks shared by the model zoo. Every convolution is bias-free and followed by BatchNorm, as in
// the reference architectures; the ONNX exporter folds the BatchNorm back into the convolution.
import * as tf from "@tensorflow/tfjs";

export type Layer = tf.SymbolicTensor;

/**
 * Keras' default BatchNorm momentum (0.99) leaves the moving statistics near their initial values after a
 * short run (a 1-epoch subset is ~50 steps), so test accuracy collapses while training accuracy is fine.
 * 0.9 is PyTorch's default (its momentum=0.1) and converges within a few dozen steps.
 */
const BN_MOMENTUM = 0.9;

export interface BlockContext {
  /** Seeds the initializers so a run's seed reproduces its starting weights. */
  nextSeed: () => number;
  name: (kind: string) => string;
}

export function blockContext(seed: number): BlockContext {
  let s = seed * 1000;
  const counts = new Map<string, number>();
  return {
    nextSeed: () => ++s,
    name: (kind) => {
      const n = (counts.get(kind) ?? 0) + 1;
      counts.set(kind, n);
      return `${kind}_${n}`;
    },
  };
}

const apply = (layer: tf.layers.Layer, x: Layer) => layer.apply(x) as Layer;

export function convBn(ctx: BlockContext, x: Layer, filters: number, opts: { kernel?: number; strides?: number; relu?: "relu" | "relu6" | null } = {}): Layer {
  const { kernel = 3, strides = 1, relu = "relu" } = opts;
  let y = apply(
    tf.layers.conv2d({ name: ctx.name("conv"), filters, kernelSize: kernel, strides, padding: "same", useBias: false, kernelInitializer: tf.initializers.heNormal({ seed: ctx.nextSeed() }) }),
    x,
  );
  y = apply(tf.layers.batchNormalization({ name: ctx.name("bn"), momentum: BN_MOMENTUM }), y);
  return relu ? activation(ctx, y, relu) : y;
}

export function depthwiseBn(ctx: BlockContext, x: Layer, opts: { kernel?: number; strides?: number; relu?: "relu" | "relu6" | null } = {}): Layer {
  const { kernel = 3, strides = 1, relu = "relu" } = opts;
  let y = apply(
    tf.layers.depthwiseConv2d({ name: ctx.name("dwconv"), kernelSize: kernel, strides, padding: "same", useBias: false, depthwiseInitializer: tf.initializers.heNormal({ seed: ctx.nextSeed() }) }),
    x,
  );
  y = apply(tf.layers.batchNormalization({ name: ctx.name("bn"), momentum: BN_MOMENTUM }), y);
  return relu ? activation(ctx, y, relu) : y;
}

export function activation(ctx: BlockContext, x: Layer, kind: "relu" | "relu6"): Layer {
  return apply(tf.layers.reLU({ name: ctx.name(kind), maxValue: kind === "relu6" ? 6 : undefined }), x);
}

export function add(ctx: BlockContext, a: Layer, b: Layer): Layer {
  return tf.layers.add({ name: ctx.name("add") }).apply([a, b]) as Layer;
}

export function classifierHead(ctx: BlockContext, x: Layer, numClasses: number): Layer {
  const pooled = apply(tf.layers.globalAveragePooling2d({ name: ctx.name("gap") }), x);
  return apply(
    tf.layers.dense({ name: ctx.name("logits"), units: numClasses, kernelInitializer: tf.initializers.glorotUniform({ seed: ctx.nextSeed() }) }),
    pooled,
  );
}
