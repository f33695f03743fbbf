// Structured (channel) pruning that physically removes channels: filters of a Conv2D (or units of a Dense)
// together with everything tied to them — the following BatchNorm, a depthwise conv that carries the channels
// through, every tensor joined by a residual Add — and the matching input channels of the consumers (the next
// Conv2D's kernel rows, the Dense after global pooling). The model is rebuilt smaller; its output is unchanged.
import * as tf from "@tensorflow/tfjs";
import { kernelVariable, rebuildModel, weightVariable } from "./model-graph";

/** Layers that keep channel i at channel i (their weights, if any, are per channel). */
const CHANNELWISE = new Set([
  "BatchNormalization", "ReLU", "Activation", "LeakyReLU", "ELU", "Dropout", "GaussianNoise", "GaussianDropout",
  "MaxPooling2D", "AveragePooling2D", "GlobalAveragePooling2D", "GlobalMaxPooling2D", "ZeroPadding2D",
  // tfjs's Rescaling takes scalar scale and offset (an imported ONNX HardSigmoid is one), so it maps channels 1:1.
  "Rescaling",
]);
const ELEMENTWISE_MERGE = new Set(["Add", "Multiply", "Subtract", "Average", "Maximum", "Minimum"]);

class UnionFind {
  private parent = new Map<number, number>();
  find(a: number): number {
    if (!this.parent.has(a)) this.parent.set(a, a);
    let r = a;
    while (this.parent.get(r)! !== r) r = this.parent.get(r)!;
    this.parent.set(a, r);
    return r;
  }
  union(a: number, b: number): void {
    this.parent.set(this.find(a), this.find(b));
  }
}

export interface ChannelGroup {
  /** Tensor ids (tfjs SymbolicTensor.id) whose channels are tied together. */
  tensors: number[];
  /** Conv2D / Dense layers whose output filters define the group's channels. */
  producers: tf.layers.Layer[];
  channels: number;
}

/** The prunable channel groups of a functional model (groups touching the input, output or unknown layers are frozen). */
export function channelGroups(model: tf.LayersModel): ChannelGroup[] {
  const uf = new UnionFind();
  const frozen = new Set<number>();
  const producerOf = new Map<number, tf.layers.Layer>();
  const channelsOf = new Map<number, number>();
  const touch = (t: tf.SymbolicTensor) => {
    uf.find(t.id);
    channelsOf.set(t.id, t.shape[t.shape.length - 1] as number);
  };
  for (const t of [...model.inputs, ...model.outputs]) (touch(t), frozen.add(t.id));
  for (const layer of model.layers) {
    const cls = layer.getClassName();
    if (cls === "InputLayer") continue;
    for (const node of layer.inboundNodes) {
      const ins = node.inputTensors;
      const outs = node.outputTensors;
      [...ins, ...outs].forEach(touch);
      const depthMultiplier = (layer.getConfig() as { depthMultiplier?: number }).depthMultiplier ?? 1;
      if (layer.inboundNodes.length > 1) {
        [...ins, ...outs].forEach((t) => frozen.add(t.id)); // a shared layer: leave it alone
      } else if (CHANNELWISE.has(cls) || (cls === "DepthwiseConv2D" && depthMultiplier === 1)) {
        uf.union(ins[0].id, outs[0].id);
      } else if (ELEMENTWISE_MERGE.has(cls)) {
        for (const t of ins) uf.union(t.id, outs[0].id);
      } else if ((cls === "Conv2D" && ((layer.getConfig() as { groups?: number }).groups ?? 1) === 1) || (cls === "Dense" && ins[0].shape.length === 2)) {
        producerOf.set(outs[0].id, layer);
      } else {
        [...ins, ...outs].forEach((t) => frozen.add(t.id)); // Flatten, Concatenate, Reshape…: unknown channel maps
      }
    }
  }
  const groups = new Map<number, ChannelGroup & { frozen: boolean }>();
  for (const id of channelsOf.keys()) {
    const root = uf.find(id);
    const g = groups.get(root) ?? { tensors: [], producers: [], channels: channelsOf.get(id)!, frozen: false };
    g.tensors.push(id);
    if (frozen.has(id)) g.frozen = true;
    const p = producerOf.get(id);
    if (p) g.producers.push(p);
    groups.set(root, g);
  }
  return [...groups.values()].filter((g) => !g.frozen && g.producers.length > 0).map(({ frozen: _f, ...g }) => g);
}

/** Per output channel norm of a producer's kernel (last axis = output channels for Conv2D HWIO and Dense). */
function filterNorms(layer: tf.layers.Layer, criterion: "l1" | "l2"): Float64Array {
  const kernel = kernelVariable(layer)!;
  const out = kernel.shape[kernel.shape.length - 1];
  const values = kernel.dataSync();
  const norms = new Float64Array(out);
  for (let i = 0; i < values.length; i++) norms[i % out] += criterion === "l1" ? Math.abs(values[i]) : values[i] * values[i];
  if (criterion === "l2") for (let c = 0; c < out; c++) norms[c] = Math.sqrt(norms[c]);
  return norms;
}

/** A channel group's name: its producer layers, joined (how allocations and analyses key groups). */
export const groupName = (producers: string[]) => producers.join("+");

export interface StructuredPlan {
  /** Per pruned group: kept channel indices (ascending) and the producers. */
  groups: { producers: string[]; channels: number; kept: number[] }[];
}

export interface ChannelPruningOptions {
  fraction: number;
  criterion: "l1" | "l2";
  minChannels: number;
}

/** The channels of one group that survive pruning `fraction` of them (ascending), or null when none would go. */
export function keptChannels(g: ChannelGroup, opts: ChannelPruningOptions): number[] | null {
  const importance = new Float64Array(g.channels);
  for (const p of g.producers) filterNorms(p, opts.criterion).forEach((v, c) => (importance[c] += v));
  const keepCount = Math.min(g.channels, Math.max(opts.minChannels, g.channels - Math.round(g.channels * opts.fraction)));
  if (keepCount === g.channels) return null;
  return Array.from({ length: g.channels }, (_, c) => c)
    .sort((a, b) => importance[b] - importance[a] || a - b)
    .slice(0, keepCount)
    .sort((a, b) => a - b);
}

/** Every prunable group at the same `fraction`, or each group at its own (`fractionOf`, e.g. from sensitivity). */
export function planChannelPruning(
  model: tf.LayersModel,
  opts: ChannelPruningOptions & { fractionOf?: (g: ChannelGroup) => number },
): { plan: StructuredPlan; keepOf: Map<number, number[]> } {
  const keepOf = new Map<number, number[]>();
  const plan: StructuredPlan = { groups: [] };
  for (const g of channelGroups(model)) {
    const kept = keptChannels(g, { ...opts, fraction: opts.fractionOf ? opts.fractionOf(g) : opts.fraction });
    if (!kept) continue;
    for (const id of g.tensors) keepOf.set(id, kept);
    plan.groups.push({ producers: g.producers.map((p) => p.name), channels: g.channels, kept });
  }
  return { plan, keepOf };
}

/** A new, smaller model with the planned channels removed (weights copied, nothing trained yet). */
export async function removeChannels(model: tf.LayersModel, keepOf: Map<number, number[]>): Promise<tf.LayersModel> {
  const inKeep = (l: tf.layers.Layer) => keepOf.get(l.inboundNodes[0].inputTensors[0].id);
  const outKeep = (l: tf.layers.Layer) => keepOf.get(l.inboundNodes[0].outputTensors[0].id);
  const gather = (t: tf.Tensor, keep: number[] | undefined, axis: number) => (keep ? tf.gather(t, keep, axis) : t.clone());
  return rebuildModel(model, {
    config: (layer, config) => {
      const out = layer.inboundNodes.length === 1 ? outKeep(layer) : undefined;
      if (!out) return;
      if (layer.getClassName() === "Conv2D") config.filters = out.length;
      if (layer.getClassName() === "Dense") config.units = out.length;
    },
    weights: (layer) => {
      if (layer.inboundNodes.length !== 1) return null;
      const cls = layer.getClassName();
      const [i, o] = [inKeep(layer), outKeep(layer)];
      if (!i && !o) return null;
      return tf.tidy(() => {
        if (cls === "Conv2D" || cls === "Dense") {
          const rank = cls === "Conv2D" ? 4 : 2;
          let kernel = gather(kernelVariable(layer)!, i, rank - 2);
          kernel = gather(kernel, o, rank - 1);
          const bias = weightVariable(layer, "bias");
          return bias ? [kernel, gather(bias, o, 0)] : [kernel];
        }
        if (cls === "DepthwiseConv2D") {
          const bias = weightVariable(layer, "bias");
          const kernel = gather(kernelVariable(layer)!, i, 2);
          return bias ? [kernel, gather(bias, o, 0)] : [kernel];
        }
        if (cls === "BatchNormalization") return layer.getWeights().map((w) => gather(w, o, 0));
        if (layer.weights.length) throw new Error(`structured pruning: cannot slice the weights of ${layer.name} (${cls})`);
        return [];
      });
    },
  });
}

/** Why structured pruning cannot apply to this model, or null. */
export function structuredCheck(model: tf.LayersModel): string | null {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) return "structured pruning needs a model with one input and one output";
  return channelGroups(model).length ? null : "this model has no channel group that can be pruned (every convolution feeds the output, a Flatten or an unsupported layer)";
}
