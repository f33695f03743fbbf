// ONNX graph → functional tfjs LayersModel with the same weights, built from the layer types the model zoo uses
// (Conv2D, DepthwiseConv2D, BatchNormalization, ReLU, Dense, Add, …) so every technique and the ONNX exporter
// work on it. Inside, images are NHWC (tfjs); the ONNX graph's NCHW shapes are tracked alongside each tensor.
import * as tf from "@tensorflow/tfjs";
import { explicitPads, planPadding, type Window } from "./padding";
import type { ConstTensor, ImportGraph, ImportNode } from "./read-onnx";
import { OPSET_RANGE, UnsupportedOperatorError } from "./unsupported";

type Sym = tf.SymbolicTensor;
/**
 * A tensor of the graph: `shape` is its ONNX (NCHW) shape with the batch as -1. A rank-4 tensor is NHWC in tfjs,
 * except `pooled` ones ([N, C, 1, 1] after GlobalAveragePool), which tfjs holds as [N, C].
 */
type Tensor = { kind: "tensor"; x: Sym; shape: number[]; pooled?: boolean };
type Value = { kind: "const"; t: ConstTensor } | Tensor;

export interface ImportedModel {
  model: tf.LayersModel;
  /** [height, width, channels] of one image. */
  inputShape: [number, number, number];
  numClasses: number;
  /** Whether the graph ends in Softmax (the model then outputs probabilities, not logits). */
  endsInSoftmax: boolean;
}

export function onnxToTfjs(graph: ImportGraph): ImportedModel {
  if (graph.opset < OPSET_RANGE.min || graph.opset > OPSET_RANGE.max) {
    throw new UnsupportedOperatorError("opset", `ai.onnx v${graph.opset}`, `opsets ${OPSET_RANGE.min}–${OPSET_RANGE.max} are supported`);
  }
  const dims = graph.input.dims;
  if (dims.length !== 4 || dims.slice(1).some((d) => typeof d !== "number" || d <= 0)) {
    throw new UnsupportedOperatorError("input", graph.input.name, `an image input [N, C, H, W] with fixed C, H, W is supported, not [${dims.join(", ")}]`);
  }
  const [c, h, w] = dims.slice(1) as number[];
  const input = tf.input({ shape: [h, w, c], name: "input" });
  const values = new Map<string, Value>([[graph.input.name, { kind: "tensor", x: input, shape: [-1, c, h, w] }]]);
  for (const [name, t] of graph.initializers) values.set(name, { kind: "const", t });
  const consumers = new Map<string, number>();
  for (const n of graph.nodes) for (const i of n.inputs) if (i) consumers.set(i, (consumers.get(i) ?? 0) + 1);

  const counts = new Map<string, number>();
  const nameOf = (kind: string) => `${kind}_${counts.set(kind, (counts.get(kind) ?? 0) + 1).get(kind)}`;
  const pendingWeights: { layer: tf.layers.Layer; weights: tf.Tensor[] }[] = [];
  const fused = new Set<ImportNode>();
  let endsInSoftmax = false;

  const get = (node: ImportNode, i: number): Value => {
    const v = values.get(node.inputs[i]);
    if (!v) throw new UnsupportedOperatorError(node.opType, node.name, `input "${node.inputs[i]}" is not produced by a supported node`);
    return v;
  };
  const tensorIn = (node: ImportNode, i: number): Tensor => {
    const v = get(node, i);
    if (v.kind !== "tensor") throw new UnsupportedOperatorError(node.opType, node.name, `input ${i} is a constant, where a computed tensor is supported`);
    return v;
  };
  const constIn = (node: ImportNode, i: number): ConstTensor | undefined => {
    if (!node.inputs[i]) return undefined;
    const v = get(node, i);
    if (v.kind !== "const") throw new UnsupportedOperatorError(node.opType, node.name, `input ${i} must be a constant (an initializer)`);
    return v.t;
  };
  const built: tf.layers.Layer[] = [];
  const apply = (layer: tf.layers.Layer, x: Sym | Sym[], weights?: tf.Tensor[]): Sym => {
    built.push(layer);
    const y = layer.apply(x) as Sym;
    if (weights) pendingWeights.push({ layer, weights });
    return y;
  };
  /** The NHWC tfjs tensor of a rank-4 value (un-collapsing a pooled [N, C]). */
  const nhwc = (v: Tensor): Sym => (v.pooled ? apply(tf.layers.reshape({ name: nameOf("reshape"), targetShape: [1, 1, v.shape[1]] }), v.x) : v.x);
  /** A rank-2 [N, features] tfjs tensor of a value whose features come out in ONNX order. */
  const flat = (node: ImportNode, v: Tensor): Tensor => {
    if (v.shape.length === 2) return v;
    if (v.shape.length === 4 && v.shape[2] === 1 && v.shape[3] === 1) {
      return { kind: "tensor", x: v.pooled ? v.x : apply(tf.layers.flatten({ name: nameOf("flatten") }), v.x), shape: [-1, v.shape[1]] };
    }
    // tfjs flattens H·W·C, ONNX C·H·W: the following Gemm would need its rows permuted. Not done yet.
    throw new UnsupportedOperatorError(node.opType, node.name, `flattening a ${v.shape.slice(1).join("×")} tensor (spatial size > 1) is not supported; pool to 1×1 first`);
  };
  const ints = (node: ImportNode, key: string, fallback: number[]): number[] => (node.attrs[key] as number[] | undefined) ?? fallback;
  const out = (node: ImportNode, v: Value) => values.set(node.outputs[0], v);
  /** ONNX axis of a rank-4 (channel = 1) or rank-2 tensor → tfjs axis. */
  const channelAxis = (node: ImportNode, v: Tensor, axis: number) => {
    const a = axis < 0 ? axis + v.shape.length : axis;
    if (a !== 1) throw new UnsupportedOperatorError(node.opType, node.name, `only the channel axis (1) is supported, not ${axis}`);
    return -1;
  };
  const windowOf = (node: ImportNode, v: Tensor, kernel: [number, number]): Window => {
    const strides = ints(node, "strides", [1, 1]) as [number, number];
    const dilations = ints(node, "dilations", [1, 1]) as [number, number];
    const pads = explicitPads(node.attrs.auto_pad as string | undefined, node.attrs.pads as number[] | undefined, { kernel, strides, dilations }, v.shape[2], v.shape[3]);
    return { kernel, strides, dilations, pads };
  };
  const outSize = (size: number, k: number, s: number, d: number, p0: number, p1: number) => Math.floor((size + p0 + p1 - (k - 1) * d - 1) / s) + 1;
  const windowOut = (v: Tensor, win: Window, channels: number) => [
    -1, channels,
    outSize(v.shape[2], win.kernel[0], win.strides[0], win.dilations[0], win.pads[0], win.pads[2]),
    outSize(v.shape[3], win.kernel[1], win.strides[1], win.dilations[1], win.pads[1], win.pads[3]),
  ];
  const padded = (v: Tensor, win: Window): { x: Sym; padding: "same" | "valid" } => {
    const plan = planPadding(win, v.shape[2], v.shape[3]);
    const x = nhwc(v);
    return { x: plan.zeroPad ? apply(tf.layers.zeroPadding2d({ name: nameOf("zeropad"), padding: plan.zeroPad }), x) : x, padding: plan.padding };
  };

  const convert: Record<string, (node: ImportNode) => void> = {
    Conv(node) {
      const v = tensorIn(node, 0);
      const W = constIn(node, 1)!;
      const B = constIn(node, 2);
      const [o, ig, kh, kw] = W.dims;
      const group = (node.attrs.group as number | undefined) ?? 1;
      const cin = v.shape[1];
      const win = windowOf(node, v, [kh, kw]);
      if (win.dilations.some((d) => d > 1) && win.strides.some((s) => s > 1)) throw new UnsupportedOperatorError("Conv", node.name, "dilation together with a stride > 1 has no tfjs layer");
      const { x, padding } = padded(v, win);
      const wv = W.values as Float32Array;
      const common = { kernelSize: [kh, kw] as [number, number], strides: win.strides, dilationRate: win.dilations, padding, useBias: !!B };
      let layer: tf.layers.Layer;
      let kernel: tf.Tensor;
      if (group === 1) {
        layer = tf.layers.conv2d({ name: nameOf("conv"), filters: o, ...common });
        kernel = tf.tidy(() => tf.tensor4d(wv, [o, ig, kh, kw]).transpose([2, 3, 1, 0]));
      } else if (group === cin && ig === 1 && o % cin === 0) {
        const m = o / cin;
        layer = tf.layers.depthwiseConv2d({ name: nameOf("dwconv"), depthMultiplier: m, ...common });
        // ONNX output channel c·m + k ↔ tfjs [kh, kw, c, k]
        kernel = tf.tidy(() => tf.tensor4d(wv, [cin, m, kh, kw]).transpose([2, 3, 0, 1]));
      } else {
        throw new UnsupportedOperatorError("Conv", node.name, `group=${group} (only 1 or depthwise, group = input channels) has a tfjs layer`);
      }
      const weights = B ? [kernel, tf.tensor1d(B.values as Float32Array)] : [kernel];
      out(node, { kind: "tensor", x: apply(layer, x, weights), shape: windowOut(v, win, o) });
    },
    BatchNormalization(node) {
      const v = tensorIn(node, 0);
      const [scale, bias, mean, variance] = [1, 2, 3, 4].map((i) => tf.tensor1d(constIn(node, i)!.values as Float32Array));
      const layer = tf.layers.batchNormalization({ name: nameOf("bn"), axis: -1, epsilon: (node.attrs.epsilon as number | undefined) ?? 1e-5, momentum: 0.9 });
      const x = v.shape.length === 4 ? nhwc(v) : v.x;
      out(node, { kind: "tensor", x: apply(layer, x, [scale, bias, mean, variance]), shape: v.shape });
    },
    Relu(node) {
      const v = tensorIn(node, 0);
      out(node, { ...v, x: apply(tf.layers.reLU({ name: nameOf("relu") }), v.x) });
    },
    Clip(node) {
      const v = tensorIn(node, 0);
      const bound = (i: number, attr: string, fallback: number) => Number(constIn(node, i)?.values[0] ?? (node.attrs[attr] as number | undefined) ?? fallback);
      const [lo, hi] = [bound(1, "min", -Infinity), bound(2, "max", Infinity)];
      if (lo !== 0) throw new UnsupportedOperatorError("Clip", node.name, `min=${lo} (only ReLU-style clips with min 0, e.g. ReLU6, are supported)`);
      const maxValue = Number.isFinite(hi) ? hi : undefined;
      out(node, { ...v, x: apply(tf.layers.reLU({ name: nameOf(maxValue === 6 ? "relu6" : "relu"), maxValue }), v.x) });
    },
    Sigmoid(node) {
      const v = tensorIn(node, 0);
      out(node, { ...v, x: apply(tf.layers.activation({ name: nameOf("sigmoid"), activation: "sigmoid" }), v.x) });
    },
    HardSigmoid(node) {
      const v = tensorIn(node, 0);
      const alpha = (node.attrs.alpha as number | undefined) ?? 0.2;
      const beta = (node.attrs.beta as number | undefined) ?? 0.5;
      out(node, { ...v, x: hardSigmoid(v.x, alpha, beta) });
    },
    HardSwish(node) {
      // ONNX HardSwish (opset 14) is x · HardSigmoid(x) with PyTorch's α = 1/6, β = 0.5.
      const v = tensorIn(node, 0);
      out(node, { ...v, x: apply(tf.layers.multiply({ name: nameOf("hard_swish") }), [v.x, hardSigmoid(v.x, 1 / 6, 0.5)]) });
    },
    Add(node) {
      binary(node, "add", (name) => tf.layers.add({ name }));
    },
    Mul(node) {
      binary(node, "multiply", (name) => tf.layers.multiply({ name }));
    },
    Concat(node) {
      const vs = node.inputs.map((_, i) => tensorIn(node, i));
      const axis = channelAxis(node, vs[0], node.attrs.axis as number);
      const rank4 = vs[0].shape.length === 4;
      const x = apply(tf.layers.concatenate({ name: nameOf("concat"), axis }), vs.map((v) => (rank4 ? nhwc(v) : v.x)));
      const shape = [...vs[0].shape];
      shape[1] = vs.reduce((s, v) => s + v.shape[1], 0);
      out(node, { kind: "tensor", x, shape });
    },
    MaxPool(node) {
      pool(node, "max");
    },
    AveragePool(node) {
      pool(node, "avg");
    },
    GlobalAveragePool(node) {
      const v = tensorIn(node, 0);
      out(node, { kind: "tensor", x: apply(tf.layers.globalAveragePooling2d({ name: nameOf("gap") }), nhwc(v)), shape: [-1, v.shape[1], 1, 1], pooled: true });
    },
    Flatten(node) {
      const axis = (node.attrs.axis as number | undefined) ?? 1;
      if (axis !== 1) throw new UnsupportedOperatorError("Flatten", node.name, `axis=${axis} (only 1)`);
      out(node, flat(node, tensorIn(node, 0)));
    },
    Reshape(node) {
      const v = tensorIn(node, 0);
      const target = Array.from(constIn(node, 1)!.values).map(Number);
      const features = v.shape.slice(1).reduce((a, b) => a * b, 1);
      if (target.length === 2 && (target[1] === features || (target[1] === -1 && (target[0] === -1 || target[0] === 0 || target[0] === 1)))) {
        out(node, flat(node, v));
        return;
      }
      throw new UnsupportedOperatorError("Reshape", node.name, `to [${target.join(", ")}] (only flattening to [batch, ${features}] is supported)`);
    },
    Gemm(node) {
      const v = flat(node, tensorIn(node, 0));
      const B = constIn(node, 1)!;
      const C = constIn(node, 2);
      const [alpha, beta] = [(node.attrs.alpha as number | undefined) ?? 1, (node.attrs.beta as number | undefined) ?? 1];
      if (node.attrs.transA) throw new UnsupportedOperatorError("Gemm", node.name, "transA=1");
      const transB = !!node.attrs.transB;
      const [r, k] = B.dims;
      const units = transB ? r : k;
      const kernel = tf.tidy(() => { const t = tf.tensor2d(B.values as Float32Array, [r, k]).mul(alpha); return transB ? t.transpose() : t; });
      const bias = C ? tf.tidy(() => tf.broadcastTo(tf.tensor(C.values as Float32Array, C.dims).mul(beta), [units]).reshape([units])) : undefined;
      dense(node, v, units, kernel, bias);
    },
    MatMul(node) {
      const v = flat(node, tensorIn(node, 0));
      const B = constIn(node, 1)!;
      if (B.dims.length !== 2) throw new UnsupportedOperatorError("MatMul", node.name, "only [batch, K] × [K, units] with a constant right side");
      const units = B.dims[1];
      // A PyTorch Linear without Gemm exports MatMul followed by Add(bias): fuse them into one Dense.
      const next = graph.nodes.find((n) => n.opType === "Add" && n.inputs.includes(node.outputs[0]));
      const biasName = next && consumers.get(node.outputs[0]) === 1 ? next.inputs.find((i) => i !== node.outputs[0]) : undefined;
      const biasValue = biasName ? values.get(biasName) : undefined;
      const bias = biasValue?.kind === "const" && biasValue.t.values.length === units ? tf.tensor1d(biasValue.t.values as Float32Array) : undefined;
      if (bias) fused.add(next!);
      const y = dense(node, v, units, tf.tensor2d(B.values as Float32Array, [B.dims[0], units]), bias);
      if (bias) values.set(next!.outputs[0], y);
    },
    Softmax(node) {
      const v = tensorIn(node, 0);
      if (!graph.outputs.includes(node.outputs[0])) throw new UnsupportedOperatorError("Softmax", node.name, "Softmax is supported as the last operator only");
      channelAxis(node, v, (node.attrs.axis as number | undefined) ?? -1);
      endsInSoftmax = true;
      out(node, { ...v, x: apply(tf.layers.softmax({ name: nameOf("softmax") }), v.x) });
    },
    Dropout(node) {
      out(node, get(node, 0)); // inference graph: identity (the optional mask output is not consumed)
    },
    Identity(node) {
      out(node, get(node, 0));
    },
    Constant(node) {
      const t = node.attrs.value;
      if (!t || typeof t !== "object" || Array.isArray(t)) throw new UnsupportedOperatorError("Constant", node.name, "only a tensor `value`");
      out(node, { kind: "const", t });
    },
  };

  /**
   * clip(α·x + β, 0, 1). Keras' α = 0.2 is tfjs' own hardSigmoid activation; any other (PyTorch's 1/6) is a
   * Rescaling (no weights, so no technique touches it) followed by ReLU capped at 1.
   */
  function hardSigmoid(x: Sym, alpha: number, beta: number): Sym {
    if (Math.abs(alpha - 0.2) < 1e-6 && Math.abs(beta - 0.5) < 1e-6) {
      return apply(tf.layers.activation({ name: nameOf("hard_sigmoid"), activation: "hardSigmoid" }), x);
    }
    const scaled = apply(tf.layers.rescaling({ name: nameOf("hard_sigmoid_affine"), scale: alpha, offset: beta }), x);
    return apply(tf.layers.reLU({ name: nameOf("hard_sigmoid"), maxValue: 1 }), scaled);
  }

  function dense(node: ImportNode, v: Tensor, units: number, kernel: tf.Tensor, bias?: tf.Tensor): Tensor {
    const layer = tf.layers.dense({ name: nameOf("dense"), units, useBias: !!bias });
    const y: Tensor = { kind: "tensor", x: apply(layer, v.x, bias ? [kernel, bias] : [kernel]), shape: [-1, units] };
    out(node, y);
    return y;
  }

  function binary(node: ImportNode, kind: string, make: (name: string) => tf.layers.Layer) {
    const [a, b] = [tensorIn(node, 0), tensorIn(node, 1)];
    if (a.shape.length !== b.shape.length) throw new UnsupportedOperatorError(node.opType, node.name, `operands of rank ${a.shape.length} and ${b.shape.length}`);
    const bothPooled = a.pooled && b.pooled;
    const xs = bothPooled || a.shape.length !== 4 ? [a.x, b.x] : [nhwc(a), nhwc(b)];
    const shape = a.shape.map((d, i) => Math.max(d, b.shape[i]));
    out(node, { kind: "tensor", x: apply(make(nameOf(kind)), xs), shape, pooled: bothPooled });
  }

  function pool(node: ImportNode, kind: "max" | "avg") {
    const v = tensorIn(node, 0);
    const kernel = ints(node, "kernel_shape", []) as [number, number];
    const win = windowOf(node, v, kernel);
    if (node.attrs.ceil_mode) throw new UnsupportedOperatorError(node.opType, node.name, "ceil_mode=1");
    const plan = planPadding(win, v.shape[2], v.shape[3]);
    // tfjs pools over the valid pixels of a "same" window: that is ONNX's count_include_pad=0 (and any MaxPool).
    if (plan.zeroPad || (kind === "avg" && plan.padding === "same" && node.attrs.count_include_pad)) {
      throw new UnsupportedOperatorError(node.opType, node.name, `pads [${win.pads.join(", ")}] have no tfjs pooling equivalent`);
    }
    const opts = { name: nameOf(`${kind}pool`), poolSize: kernel, strides: win.strides, padding: plan.padding };
    const layer = kind === "max" ? tf.layers.maxPooling2d(opts) : tf.layers.averagePooling2d(opts);
    out(node, { kind: "tensor", x: apply(layer, nhwc(v)), shape: windowOut(v, win, v.shape[1]) });
  }

  try {
    for (const node of graph.nodes) {
      if (fused.has(node)) continue;
      if (node.domain && node.domain !== "ai.onnx") throw new UnsupportedOperatorError(node.opType, node.name, `domain "${node.domain}"`);
      const f = convert[node.opType];
      if (!f) throw new UnsupportedOperatorError(node.opType, node.name);
      f(node);
    }
    if (graph.outputs.length !== 1) throw new UnsupportedOperatorError("output", graph.outputs.join(", "), "one output (the class scores) is supported");
    const y = values.get(graph.outputs[0]);
    if (y?.kind !== "tensor" || y.shape.length !== 2) throw new UnsupportedOperatorError("output", graph.outputs[0], "the output must be [batch, classes]");
    const model = tf.model({ inputs: input, outputs: y.x, name: "uploaded" });
    for (const { layer, weights } of pendingWeights) layer.setWeights(weights);
    return { model, inputShape: [h, w, c], numClasses: y.shape[1], endsInSoftmax };
  } catch (e) {
    // A refusal half-way leaves the layers built so far holding variables: free them.
    for (const layer of built) layer.dispose();
    throw e;
  } finally {
    for (const { weights } of pendingWeights) tf.dispose(weights);
  }
}
