// What a zoo model will weigh, from its architecture alone — no TensorFlow.js, so the experiment form can show it
// in the browser before anything is trained. Walks the same layer sequence as zoo.ts (convolutions are bias-free
// with BatchNorm, "same" padding, GAP + dense head) and counts like lib/ml/model-stats.ts: parameters as tfjs
// holds them (BatchNorm's four vectors included), MACs of Conv2D / DepthwiseConv2D / Dense. estimate.test.ts
// checks every architecture against the real built model, so the two cannot drift apart unnoticed.
import { makeDivisible, MOBILENET_V2_STAGES, type Architecture, type MobileNetKnobs } from "./architecture";

export interface ArchitectureOptions {
  inputShape: [number, number, number];
  numClasses: number;
  /** MobileNetV2 (default 0.5) and ResNet (default 1) width multiplier, as in zoo.ts. */
  width?: number;
  /** ResNet basic blocks per stage (default 3). */
  depth?: number;
  /** Structured pruning: fraction of every convolution's output channels removed (approximates prune-structured). */
  channelFraction?: number;
}

export interface ModelEstimate {
  params: number;
  macs: number;
  /** BatchNorm channels: the exporter folds each into its convolution (4 values become 1 bias). */
  foldedBatchNormChannels: number;
  /** Output channels of convolutions and dense layers (one INT8 weight scale each). */
  outputChannels: number;
  /** Weight tensors (convolutions + dense): each costs graph overhead in the file. */
  weightLayers: number;
}

interface Shape {
  h: number;
  w: number;
  c: number;
}

class Counter implements ModelEstimate {
  params = 0;
  macs = 0;
  foldedBatchNormChannels = 0;
  outputChannels = 0;
  weightLayers = 0;
  constructor(readonly keep: number) {}

  private bn(c: number): void {
    this.params += 4 * c;
    this.foldedBatchNormChannels += c;
  }
  conv(x: Shape, filters: number, kernel = 3, strides = 1): Shape {
    const c = Math.max(1, Math.round(filters * this.keep));
    const out = { h: Math.ceil(x.h / strides), w: Math.ceil(x.w / strides), c };
    this.params += kernel * kernel * x.c * c;
    this.macs += out.h * out.w * kernel * kernel * x.c * c;
    this.outputChannels += c;
    this.weightLayers++;
    this.bn(c);
    return out;
  }
  depthwise(x: Shape, strides = 1, kernel = 3): Shape {
    const out = { h: Math.ceil(x.h / strides), w: Math.ceil(x.w / strides), c: x.c };
    this.params += kernel * kernel * x.c;
    this.macs += out.h * out.w * kernel * kernel * x.c;
    this.outputChannels += x.c;
    this.weightLayers++;
    this.bn(x.c);
    return out;
  }
  maxPool(x: Shape): Shape {
    return { h: Math.floor(x.h / 2), w: Math.floor(x.w / 2), c: x.c };
  }
  head(x: Shape, classes: number): void {
    this.params += x.c * classes + classes;
    this.macs += x.c * classes;
    this.outputChannels += classes;
    this.weightLayers++;
  }
}

/** Parameters and MACs of a zoo architecture, exactly as modelStats(buildModel(arch, opts)) would report them. */
export function estimateArchitecture(arch: Architecture, opts: ArchitectureOptions): ModelEstimate {
  const n = new Counter(1 - (opts.channelFraction ?? 0));
  const [h, w, c] = opts.inputShape;
  let x: Shape = { h, w, c };
  if (arch === "bench-cnn") {
    x = n.conv(x, 32);
    x = n.conv(x, 32, 3, 2);
    x = n.depthwise(x);
    x = n.conv(x, 64, 1);
    x = n.conv(x, 64, 3, 2);
  } else if (arch === "small-cnn") {
    for (const filters of [16, 32, 64]) x = n.maxPool(n.conv(x, filters));
  } else if (arch === "mobilenet-v2") {
    x = mobileNet(n, x, { width: opts.width ?? 0.5, depth: Infinity, kernel: 3, expansion: 6 });
  } else {
    const depth = opts.depth ?? 3;
    const widths = [16, 32, 64].map((ch) => Math.max(8, Math.round(ch * (opts.width ?? 1))));
    x = n.conv(x, widths[0]);
    for (const [stage, filters] of widths.entries()) {
      for (let i = 0; i < depth; i++) {
        const stride = stage > 0 && i === 0 ? 2 : 1;
        const y = n.conv(n.conv(x, filters, 3, stride), filters);
        if (stride !== 1 || x.c !== y.c) n.conv(x, filters, 1, stride); // projection shortcut
        x = y;
      }
    }
  }
  n.head(x, opts.numClasses);
  return { params: n.params, macs: n.macs, foldedBatchNormChannels: n.foldedBatchNormChannels, outputChannels: n.outputChannels, weightLayers: n.weightLayers };
}

function mobileNet(n: Counter, input: Shape, k: MobileNetKnobs): Shape {
  let x = n.conv(input, makeDivisible(32 * k.width));
  for (const [s, [ch, repeats, stride]] of MOBILENET_V2_STAGES.entries()) {
    const expansion = s === 0 ? 1 : k.expansion;
    const out = makeDivisible(ch * k.width);
    for (let i = 0; i < Math.min(repeats, k.depth); i++) {
      let y = expansion === 1 ? x : n.conv(x, x.c * expansion, 1);
      y = n.depthwise(y, i === 0 ? stride : 1, k.kernel);
      x = n.conv(y, out, 1);
    }
  }
  return n.conv(x, makeDivisible(256 * Math.max(1, k.width)), 1);
}

/** A NAS candidate (nas-space.ts buildNasModel), counted like estimateArchitecture. */
export function estimateNasCandidate(knobs: MobileNetKnobs, opts: Pick<ArchitectureOptions, "inputShape" | "numClasses">): ModelEstimate {
  const n = new Counter(1);
  const [h, w, c] = opts.inputShape;
  n.head(mobileNet(n, { h, w, c }, knobs), opts.numClasses);
  return { params: n.params, macs: n.macs, foldedBatchNormChannels: n.foldedBatchNormChannels, outputChannels: n.outputChannels, weightLayers: n.weightLayers };
}

/** Graph bytes per weight layer besides the weights (nodes, names, shapes, Q/DQ scales), measured on the zoo. */
const FP32_BYTES_PER_LAYER = 160;
const INT8_BYTES_PER_LAYER = 600;

/**
 * The exported ONNX file sizes. FP32: every value 4 bytes after BatchNorm folding (4 values per channel become a
 * bias). INT8: kernels 1 byte, biases 4 (int32), one float scale per output channel for weights and one for biases.
 */
export function estimateFileBytes(e: ModelEstimate): { fp32: number; int8: number } {
  const exported = e.params - 3 * e.foldedBatchNormChannels;
  const biases = e.outputChannels;
  const kernels = exported - biases;
  return {
    fp32: 4 * exported + FP32_BYTES_PER_LAYER * e.weightLayers,
    int8: kernels + 4 * biases + 8 * e.outputChannels + INT8_BYTES_PER_LAYER * e.weightLayers,
  };
}
