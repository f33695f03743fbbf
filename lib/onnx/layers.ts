/**
 * One converter per tfjs layer class: tfjs config + weights → ONNX nodes and initializers.
 *
 * Converters receive their inputs as `TensorRef`s (see graph.ts for the layout rules) and return one
 * `TensorRef` per layer output. Weights are re-laid-out here (HWIO → OIHW, Dense → Gemm with transB),
 * and BatchNormalization is folded into the preceding Conv/Dense when export.ts says so.
 */
import type * as tf from "@tensorflow/tfjs";
import { attr, GraphBuilder, nchwAxis, toNchw, toPlain, type TensorRef } from "./graph";
import { bnAffine } from "../ml/batchnorm-fold";
import { layerWeight } from "../ml/layer-weights";
import type { AttrValue } from "./proto";

// tfjs layer configs are loosely typed serialisation dictionaries.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type LayerConfig = Record<string, any>;

export interface ConvertArgs {
  g: GraphBuilder;
  layer: tf.layers.Layer;
  config: LayerConfig;
  inputs: TensorRef[];
  /** tfjs output shapes of this node, batch first. */
  outputShapes: (number | null)[][];
  /** Base for value names, normally the layer name. */
  base: string;
  /** A BatchNormalization layer whose output replaces this layer's (folded into the weights). */
  foldBn?: tf.layers.Layer;
}
export type Converter = (a: ConvertArgs) => TensorRef[];

export class UnsupportedLayerError extends Error {}

// ---------------------------------------------------------------- weights

export interface Weight {
  data: Float32Array;
  shape: number[];
}

/** A layer weight by its tfjs short name ("kernel", "bias", "moving_mean", …), copied out of the backend. */
export function weightOf(layer: tf.layers.Layer, short: string): Weight | undefined {
  const t = layerWeight(layer, short);
  if (!t) return undefined;
  return { data: Float32Array.from(t.dataSync() as Float32Array), shape: t.shape.slice() };
}

function requireWeight(layer: tf.layers.Layer, short: string): Weight {
  const w = weightOf(layer, short);
  if (!w) throw new Error(`ONNX export: layer ${layer.name} has no weight "${short}"`);
  return w;
}

/**
 * Fold BN into weights laid out output-channel-major (`perOut` values per output channel):
 * W'[o] = scale[o]·W[o], b'[o] = scale[o]·b[o] + shift[o].
 */
function foldInto(bn: tf.layers.Layer, w: Float32Array, bias: Float32Array, perOut: number): void {
  const { scale, shift } = bnAffine(bn);
  if (scale.length !== bias.length) throw new Error(`ONNX export: cannot fold ${bn.name}: ${scale.length} channels vs ${bias.length}`);
  for (let o = 0; o < bias.length; o++) {
    for (let j = 0; j < perOut; j++) w[o * perOut + j] *= scale[o];
    bias[o] = scale[o] * bias[o] + shift[o];
  }
}

// ---------------------------------------------------------------- activations

const unaryActivations: Record<string, string> = {
  relu: "Relu",
  sigmoid: "Sigmoid",
  tanh: "Tanh",
  softplus: "Softplus",
  softsign: "Softsign",
  selu: "Selu",
  elu: "Elu",
};

function normActivation(name: unknown): string {
  const s = String(name ?? "linear");
  return s === "hard_sigmoid" ? "hardSigmoid" : s;
}

/** Emit a Keras/tfjs activation by name on `x`; layout is preserved for element-wise ones. */
export function emitActivation(g: GraphBuilder, activation: unknown, x: TensorRef, base: string): TensorRef {
  const act = normActivation(activation);
  if (act === "linear") return x;
  if (act in unaryActivations) return { ...x, name: g.op(unaryActivations[act], [x.name], `${base}_${act}`) };
  switch (act) {
    case "relu6":
      return clip(g, x, 0, 6, `${base}_relu6`);
    case "hardSigmoid":
      // tfjs: clip(0.2·x + 0.5, 0, 1) — the ONNX defaults, spelled out so the intent is visible.
      return { ...x, name: g.op("HardSigmoid", [x.name], `${base}_hard_sigmoid`, { alpha: attr.float(0.2), beta: attr.float(0.5) }) };
    case "swish": {
      const s = g.op("Sigmoid", [x.name], `${base}_sigmoid`);
      return { ...x, name: g.op("Mul", [x.name, s], `${base}_swish`) };
    }
    case "mish": {
      const sp = g.op("Softplus", [x.name], `${base}_softplus`);
      const th = g.op("Tanh", [sp], `${base}_tanh`);
      return { ...x, name: g.op("Mul", [x.name, th], `${base}_mish`) };
    }
    case "softmax":
    case "logSoftmax":
      return softmax(g, x, -1, base, act === "logSoftmax" ? "LogSoftmax" : "Softmax");
    default:
      throw new UnsupportedLayerError(`ONNX export: activation "${act}" (${base}) is not supported`);
  }
}

function clip(g: GraphBuilder, x: TensorRef, lo: number, hi: number, base: string): TensorRef {
  // Opset ≥ 11 Clip takes its bounds as inputs; ORT fuses Conv+Clip(0,6) and drops it under QDQ.
  const min = g.constant("float32", [], [lo]);
  const max = g.constant("float32", [], [hi]);
  return { ...x, name: g.op("Clip", [x.name, min, max], base) };
}

function softmax(g: GraphBuilder, x: TensorRef, axis: number, base: string, op = "Softmax"): TensorRef {
  const t = x.layout === "flat-chw" ? toPlain(g, x) : x;
  const rank = t.shape.length;
  const a = t.layout === "nchw" ? nchwAxis(axis, 4) : axis < 0 ? axis + rank : axis;
  return { ...t, name: g.op(op, [t.name], `${base}_${op.toLowerCase()}`, { axis: attr.int(a) }) };
}

// ---------------------------------------------------------------- convolution helpers

function pair(v: unknown, name: string): [number, number] {
  if (typeof v === "number") return [v, v];
  if (Array.isArray(v) && v.length === 2) return [v[0], v[1]];
  if (Array.isArray(v) && v.length === 1) return [v[0], v[0]];
  throw new Error(`ONNX export: unexpected ${name} ${JSON.stringify(v)}`);
}

function assertChannelsLast(a: ConvertArgs): void {
  if (a.config.dataFormat && a.config.dataFormat !== "channelsLast")
    throw new UnsupportedLayerError(`ONNX export: ${a.layer.name} uses dataFormat ${a.config.dataFormat}; only channelsLast is supported`);
}

/**
 * Window attributes for Conv/MaxPool/AveragePool. "same" padding is computed exactly as TensorFlow does
 * (total = max((ceil(in/s)−1)·s + (k−1)·d + 1 − in, 0), the odd pixel at the end) and written as explicit
 * pads, which every runtime handles identically; SAME_UPPER is the fallback for unknown spatial sizes.
 */
export function windowAttrs(
  input: TensorRef,
  kernel: [number, number],
  strides: [number, number],
  dilations: [number, number],
  padding: string,
  withDilations = true,
): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = { kernel_shape: attr.ints(kernel), strides: attr.ints(strides) };
  if (withDilations) out.dilations = attr.ints(dilations);
  if (padding === "valid") {
    out.pads = attr.ints([0, 0, 0, 0]);
    return out;
  }
  if (padding !== "same") throw new UnsupportedLayerError(`ONNX export: padding "${padding}" is not supported`);
  const [, h, w] = input.shape;
  if (h == null || w == null) {
    out.auto_pad = attr.string("SAME_UPPER");
    return out;
  }
  const before: number[] = [];
  const after: number[] = [];
  [h, w].forEach((size, i) => {
    const eff = (kernel[i] - 1) * dilations[i] + 1;
    const outSize = Math.ceil(size / strides[i]);
    const total = Math.max((outSize - 1) * strides[i] + eff - size, 0);
    before.push(Math.floor(total / 2));
    after.push(total - Math.floor(total / 2));
  });
  out.pads = attr.ints([...before, ...after]);
  return out;
}

/** Conv kernel [kh, kw, cin, cout] (HWIO) → [cout, cin, kh, kw] (OIHW). */
export function hwioToOihw(k: Weight): Float32Array {
  const [kh, kw, cin, cout] = k.shape;
  const out = new Float32Array(k.data.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < cin; i++)
        for (let o = 0; o < cout; o++) out[((o * cin + i) * kh + y) * kw + x] = k.data[((y * kw + x) * cin + i) * cout + o];
  return out;
}

/** Depthwise kernel [kh, kw, cin, mult] → grouped Conv weight [cin·mult, 1, kh, kw]; output channel i·mult+m. */
export function depthwiseToOihw(k: Weight): Float32Array {
  const [kh, kw, cin, mult] = k.shape;
  const out = new Float32Array(k.data.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < cin; i++)
        for (let m = 0; m < mult; m++) out[((i * mult + m) * kh + y) * kw + x] = k.data[((y * kw + x) * cin + i) * mult + m];
  return out;
}

function emitConv(
  a: ConvertArgs,
  x: TensorRef,
  w: Float32Array,
  wDims: number[],
  bias: Float32Array | undefined,
  group: number,
  base: string,
  fold: tf.layers.Layer | undefined,
  kernel: [number, number],
): TensorRef {
  const cout = wDims[0];
  let b = bias;
  if (fold) {
    b ??= new Float32Array(cout);
    foldInto(fold, w, b, w.length / cout);
  }
  const wName = a.g.initializer(`${base}.weight`, "float32", wDims, w);
  const inputs = [x.name, wName];
  if (b) inputs.push(a.g.initializer(`${base}.bias`, "float32", [cout], b));
  const strides = pair(a.config.strides ?? 1, "strides");
  const dil = pair(a.config.dilationRate ?? 1, "dilationRate");
  const attrs = windowAttrs(x, kernel, strides, dil, a.config.padding ?? "valid");
  attrs.group = attr.int(group);
  return { name: a.g.op("Conv", inputs, base, attrs), shape: a.outputShapes[0], layout: "nchw" };
}

// ---------------------------------------------------------------- converters

const conv2d: Converter = (a) => {
  assertChannelsLast(a);
  const x = toNchw(a.g, a.inputs[0]);
  const k = requireWeight(a.layer, "kernel");
  const [kh, kw, cin, cout] = k.shape;
  const bias = a.config.useBias === false ? undefined : weightOf(a.layer, "bias")?.data;
  const y = emitConv(a, x, hwioToOihw(k), [cout, cin, kh, kw], bias, 1, a.base, a.foldBn, [kh, kw]);
  return [emitActivation(a.g, a.config.activation, y, a.base)];
};

const depthwiseConv2d: Converter = (a) => {
  assertChannelsLast(a);
  const x = toNchw(a.g, a.inputs[0]);
  const k = requireWeight(a.layer, "depthwise_kernel");
  const [kh, kw, cin, mult] = k.shape;
  const bias = a.config.useBias === false ? undefined : weightOf(a.layer, "bias")?.data;
  const y = emitConv(a, x, depthwiseToOihw(k), [cin * mult, 1, kh, kw], bias, cin, a.base, a.foldBn, [kh, kw]);
  return [emitActivation(a.g, a.config.activation, y, a.base)];
};

const separableConv2d: Converter = (a) => {
  assertChannelsLast(a);
  const x = toNchw(a.g, a.inputs[0]);
  const dk = requireWeight(a.layer, "depthwise_kernel");
  const pk = requireWeight(a.layer, "pointwise_kernel");
  const [kh, kw, cin, mult] = dk.shape;
  const cout = pk.shape[3];
  const dw = emitConv(a, x, depthwiseToOihw(dk), [cin * mult, 1, kh, kw], undefined, cin, `${a.base}_depthwise`, undefined, [kh, kw]);
  // The pointwise half is a plain 1×1, stride 1 convolution on the depthwise output.
  const pwArgs: ConvertArgs = { ...a, config: { ...a.config, strides: 1, dilationRate: 1, padding: "valid" } };
  const bias = a.config.useBias === false ? undefined : weightOf(a.layer, "bias")?.data;
  const y = emitConv(pwArgs, { ...dw, shape: a.outputShapes[0] }, hwioToOihw(pk), [cout, cin * mult, 1, 1], bias, 1, a.base, a.foldBn, [1, 1]);
  return [emitActivation(a.g, a.config.activation, y, a.base)];
};

const dense: Converter = (a) => {
  let x = a.inputs[0];
  if (x.layout === "nchw" || x.shape.length !== 2)
    throw new UnsupportedLayerError(`ONNX export: Dense ${a.layer.name} on a rank-${x.shape.length} input; add a Flatten or global pooling before it`);
  const k = requireWeight(a.layer, "kernel");
  const [nIn, nOut] = k.shape;
  // Row order of the ONNX input: identity, or C,H,W order when the input is a Flatten of an NCHW tensor.
  const rowOf = new Int32Array(nIn).map((_, j) => j);
  if (x.layout === "flat-chw") {
    const [h, w, c] = x.flatFrom!;
    for (let ci = 0; ci < c; ci++) for (let hi = 0; hi < h; hi++) for (let wi = 0; wi < w; wi++) rowOf[(ci * h + hi) * w + wi] = (hi * w + wi) * c + ci;
    x = { ...x, layout: "plain" };
  }
  // Gemm B is stored [out, in] (transB=1) so per-output-channel quantization uses axis 0 like Conv.
  const wt = new Float32Array(nIn * nOut);
  for (let o = 0; o < nOut; o++) for (let j = 0; j < nIn; j++) wt[o * nIn + j] = k.data[rowOf[j] * nOut + o];
  let bias = a.config.useBias === false ? undefined : weightOf(a.layer, "bias")?.data;
  if (a.foldBn) {
    bias ??= new Float32Array(nOut);
    foldInto(a.foldBn, wt, bias, nIn);
  }
  const inputs = [x.name, a.g.initializer(`${a.base}.weight`, "float32", [nOut, nIn], wt)];
  if (bias) inputs.push(a.g.initializer(`${a.base}.bias`, "float32", [nOut], bias));
  const y: TensorRef = { name: a.g.op("Gemm", inputs, a.base, { transB: attr.int(1) }), shape: a.outputShapes[0], layout: "plain" };
  return [emitActivation(a.g, a.config.activation, y, a.base)];
};

const batchNormalization: Converter = (a) => {
  const x = a.inputs[0];
  const rank = x.shape.length;
  const axis = a.config.axis ?? -1;
  if (axis !== -1 && axis !== rank - 1) throw new UnsupportedLayerError(`ONNX export: BatchNormalization ${a.layer.name} on axis ${axis}; only the channel axis is supported`);
  if (x.layout === "nchw" || (x.layout === "plain" && rank === 2)) {
    // ONNX BatchNormalization normalises axis 1: the channel axis of NCHW and of [N, C]. Same parameters
    // and ε as tfjs, so ORT computes (x − mean)/√(var + ε)·γ + β exactly like the trained layer.
    const cfg = a.config;
    const mean = requireWeight(a.layer, "moving_mean").data;
    const c = mean.length;
    const gamma = (cfg.scale === false ? undefined : weightOf(a.layer, "gamma")?.data) ?? new Float32Array(c).fill(1);
    const beta = (cfg.center === false ? undefined : weightOf(a.layer, "beta")?.data) ?? new Float32Array(c);
    const ins = [
      x.name,
      a.g.initializer(`${a.base}.scale`, "float32", [c], gamma),
      a.g.initializer(`${a.base}.bias`, "float32", [c], beta),
      a.g.initializer(`${a.base}.mean`, "float32", [c], mean),
      a.g.initializer(`${a.base}.var`, "float32", [c], requireWeight(a.layer, "moving_variance").data),
    ];
    return [{ ...x, name: a.g.op("BatchNormalization", ins, a.base, { epsilon: attr.float(cfg.epsilon ?? 1e-3) }) }];
  }
  // Other ranks (or a flattened image): the channel is the last tfjs axis, so broadcast Mul/Add there.
  const p = toPlain(a.g, x);
  const { scale, shift } = bnAffine(a.layer);
  const c = scale.length;
  const m = a.g.op("Mul", [p.name, a.g.initializer(`${a.base}.scale`, "float32", [c], Float32Array.from(scale))], `${a.base}_scale`);
  return [{ ...p, name: a.g.op("Add", [m, a.g.initializer(`${a.base}.bias`, "float32", [c], Float32Array.from(shift))], a.base) }];
};

const activation: Converter = (a) => [emitActivation(a.g, a.config.activation, a.inputs[0], a.base)];

const reLU: Converter = (a) => {
  const max = a.config.maxValue;
  if (max == null) return [{ ...a.inputs[0], name: a.g.op("Relu", [a.inputs[0].name], a.base) }];
  return [clip(a.g, a.inputs[0], 0, max, a.base)];
};

const leakyReLU: Converter = (a) => [{ ...a.inputs[0], name: a.g.op("LeakyRelu", [a.inputs[0].name], a.base, { alpha: attr.float(a.config.alpha ?? 0.3) }) }];
const elu: Converter = (a) => [{ ...a.inputs[0], name: a.g.op("Elu", [a.inputs[0].name], a.base, { alpha: attr.float(a.config.alpha ?? 1) }) }];
const softmaxLayer: Converter = (a) => [softmax(a.g, a.inputs[0], a.config.axis ?? -1, a.base)];

/** x·scale + offset with scalar scale and offset (what the importer builds PyTorch's HardSigmoid from). Element-wise: layout kept. */
const rescaling: Converter = (a) => {
  const { scale, offset } = a.config;
  if (typeof scale !== "number" || typeof (offset ?? 0) !== "number") throw new UnsupportedLayerError(`ONNX export: Rescaling ${a.layer.name} with per-channel scale or offset`);
  const x = a.inputs[0];
  const m = a.g.op("Mul", [x.name, a.g.constant("float32", [], [scale])], `${a.base}_scale`);
  return [{ ...x, name: a.g.op("Add", [m, a.g.constant("float32", [], [offset ?? 0])], a.base) }];
};

/** Dropout and noise layers are the identity at inference. */
const identity: Converter = (a) => [a.inputs[0]];

function merge(op: string, pairwise: boolean): Converter {
  return (a) => {
    let ins = a.inputs;
    const same = ins.every((t) => t.layout === ins[0].layout && JSON.stringify(t.flatFrom) === JSON.stringify(ins[0].flatFrom));
    if (!same) ins = ins.map((t) => (t.shape.length === 4 ? toNchw(a.g, t) : toPlain(a.g, t)));
    const rank = ins[0].shape.length;
    if (ins.some((t) => t.shape.length !== rank)) throw new UnsupportedLayerError(`ONNX export: ${a.layer.name} merges tensors of different ranks`);
    let name: string;
    if (!pairwise || ins.length === 2) name = a.g.op(op, ins.map((t) => t.name), a.base);
    else {
      name = ins[0].name;
      for (let i = 1; i < ins.length; i++) name = a.g.op(op, [name, ins[i].name], i === ins.length - 1 ? a.base : `${a.base}_${i}`);
    }
    return [{ ...ins[0], name, shape: a.outputShapes[0] }];
  };
}

const concatenate: Converter = (a) => {
  const rank = a.inputs[0].shape.length;
  const ins = a.inputs.map((t) => (rank === 4 ? toNchw(a.g, t) : toPlain(a.g, t)));
  const axis = rank === 4 ? nchwAxis(a.config.axis ?? -1, 4) : (a.config.axis ?? -1) < 0 ? (a.config.axis ?? -1) + rank : a.config.axis;
  return [{ name: a.g.op("Concat", ins.map((t) => t.name), a.base, { axis: attr.int(axis) }), shape: a.outputShapes[0], layout: ins[0].layout }];
};

function pool(op: "MaxPool" | "AveragePool"): Converter {
  return (a) => {
    assertChannelsLast(a);
    const x = toNchw(a.g, a.inputs[0]);
    const k = pair(a.config.poolSize ?? 2, "poolSize");
    const s = pair(a.config.strides ?? k, "strides");
    // AveragePool's count_include_pad defaults to 0, matching TF's "same" average (padding not counted).
    const attrs = windowAttrs(x, k, s, [1, 1], a.config.padding ?? "valid", false);
    return [{ name: a.g.op(op, [x.name], a.base, attrs), shape: a.outputShapes[0], layout: "nchw" }];
  };
}

function globalPool(op: "GlobalAveragePool" | "GlobalMaxPool"): Converter {
  return (a) => {
    assertChannelsLast(a);
    const x = toNchw(a.g, a.inputs[0]);
    const p = a.g.op(op, [x.name], `${a.base}_pool`);
    if (a.config.keepDims) return [{ name: p, shape: a.outputShapes[0], layout: "nchw" }];
    // [N, C, 1, 1] → [N, C]: with H = W = 1 the CHW and HWC orders coincide, so the result is "plain".
    return [{ name: a.g.op("Flatten", [p], a.base, { axis: attr.int(1) }), shape: a.outputShapes[0], layout: "plain" }];
  };
}

const zeroPadding2d: Converter = (a) => {
  assertChannelsLast(a);
  const x = toNchw(a.g, a.inputs[0]);
  const p = a.config.padding;
  const [[top, bottom], [left, right]] =
    typeof p === "number" ? [[p, p], [p, p]] : typeof p[0] === "number" ? [[p[0], p[0]], [p[1], p[1]]] : p;
  const pads = a.g.constant("int64", [8], [0, 0, top, left, 0, 0, bottom, right]);
  return [{ name: a.g.op("Pad", [x.name, pads], a.base, { mode: attr.string("constant") }), shape: a.outputShapes[0], layout: "nchw" }];
};

const flatten: Converter = (a) => {
  const x = a.inputs[0];
  if (x.layout === "nchw") {
    const [, h, w, c] = x.shape as number[];
    const name = a.g.op("Flatten", [x.name], a.base, { axis: attr.int(1) });
    // A 1×1 spatial map flattens to the same order either way, so no permutation is pending.
    if (h === 1 && w === 1) return [{ name, shape: a.outputShapes[0], layout: "plain" }];
    if (h == null || w == null || c == null) throw new UnsupportedLayerError(`ONNX export: Flatten ${a.layer.name} needs a known H×W×C`);
    return [{ name, shape: a.outputShapes[0], layout: "flat-chw", flatFrom: [h, w, c] }];
  }
  if (x.shape.length === 2) return [x];
  return [{ name: a.g.op("Flatten", [toPlain(a.g, x).name], a.base, { axis: attr.int(1) }), shape: a.outputShapes[0], layout: "plain" }];
};

const reshape: Converter = (a) => {
  const x = toPlain(a.g, a.inputs[0]);
  const target: number[] = a.config.targetShape;
  const shape = a.g.constant("int64", [target.length + 1], [0, ...target]);
  const r = a.g.op("Reshape", [x.name, shape], target.length === 3 ? `${a.base}_nhwc` : a.base);
  const y: TensorRef = { name: r, shape: a.outputShapes[0], layout: "plain" };
  return [target.length === 3 ? { ...toNchwNamed(a.g, y, a.base) } : y];
};

function toNchwNamed(g: GraphBuilder, t: TensorRef, base: string): TensorRef {
  return { ...t, name: g.op("Transpose", [t.name], base, { perm: attr.ints([0, 3, 1, 2]) }), layout: "nchw" };
}

export const converters: Record<string, Converter> = {
  Conv2D: conv2d,
  DepthwiseConv2D: depthwiseConv2d,
  SeparableConv2D: separableConv2d,
  Dense: dense,
  BatchNormalization: batchNormalization,
  Activation: activation,
  ReLU: reLU,
  LeakyReLU: leakyReLU,
  ELU: elu,
  Softmax: softmaxLayer,
  Rescaling: rescaling,
  Dropout: identity,
  SpatialDropout1D: identity,
  GaussianNoise: identity,
  GaussianDropout: identity,
  AlphaDropout: identity,
  Add: merge("Add", true),
  Multiply: merge("Mul", true),
  Subtract: merge("Sub", true),
  Average: merge("Mean", false),
  Maximum: merge("Max", false),
  Minimum: merge("Min", false),
  Concatenate: concatenate,
  MaxPooling2D: pool("MaxPool"),
  AveragePooling2D: pool("AveragePool"),
  GlobalAveragePooling2D: globalPool("GlobalAveragePool"),
  GlobalMaxPooling2D: globalPool("GlobalMaxPool"),
  ZeroPadding2D: zeroPadding2d,
  Flatten: flatten,
  Reshape: reshape,
};

