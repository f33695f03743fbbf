// Graph utilities shared by the techniques: rebuilding a functional tfjs model with edited layer configs and
// weights (structured pruning, BatchNorm folding, cloning), and running a model's graph op by op with hooks on
// kernels and layer outputs (pruning masks, shared centroids, fake-quant) so gradients reach what the hooks use.
import * as tf from "@tensorflow/tfjs";
import { batchNormFolds, bnAffine } from "../ml/batchnorm-fold";
import { layerWeight } from "../ml/layer-weights";

// tfjs topology JSON is loosely typed (snake_case python-style dictionaries).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export interface RebuildEdits {
  /** Edit a layer's serialized (snake_case) config in place, e.g. `filters` or `use_bias`. */
  config?: (layer: tf.layers.Layer, config: Json) => void;
  /** Layers dropped from the graph: their consumers read their (single) input instead. */
  remove?: Set<string>;
  /** The new layer's weights, in getWeights() order, or null to copy the old ones. Returned tensors are disposed here. */
  weights?: (layer: tf.layers.Layer) => tf.Tensor[] | null;
}

/** A new model with the same topology and weights, except for the edits. Never touches `model`. */
export async function rebuildModel(model: tf.LayersModel, edits: RebuildEdits = {}): Promise<tf.LayersModel> {
  const topology = model.toJSON(null, false) as Json;
  const config = topology.config;
  const byName = new Map(model.layers.map((l) => [l.name, l]));
  const remove = edits.remove ?? new Set<string>();
  // Where a removed layer's output came from: [layer, node, tensor] of its input.
  const redirect = new Map<string, Json>();
  for (const entry of config.layers) {
    if (!remove.has(entry.name)) continue;
    const inbound = entry.inbound_nodes;
    if (inbound.length !== 1 || inbound[0].length !== 1) throw new Error(`rebuildModel: cannot remove ${entry.name}: it must have exactly one input`);
    redirect.set(entry.name, inbound[0][0]);
  }
  const resolve = (ref: Json): Json => {
    let r = ref;
    while (redirect.has(r[0])) r = [...redirect.get(r[0]).slice(0, 3), ...r.slice(3)];
    return r;
  };
  config.layers = config.layers.filter((e: Json) => !remove.has(e.name));
  for (const entry of config.layers) {
    entry.inbound_nodes = entry.inbound_nodes.map((node: Json[]) => node.map((ref) => resolve(ref)));
    const layer = byName.get(entry.name)!;
    // tfjs' SeparableConv2D.getConfig() leaves out depth_multiplier (it would come back as 1, and its weights not fit).
    if (entry.class_name === "SeparableConv2D") entry.config.depth_multiplier ??= (layer as unknown as { depthMultiplier: number }).depthMultiplier;
    if (edits.config) edits.config(layer, entry.config);
  }
  config.output_layers = config.output_layers.map((ref: Json) => resolve(ref).slice(0, 3));
  const rebuilt = await tf.models.modelFromJSON({ modelTopology: topology });
  for (const layer of rebuilt.layers) {
    if (!layer.weights.length) continue;
    const old = byName.get(layer.name)!;
    const replacement = edits.weights?.(old) ?? null;
    layer.setWeights(replacement ?? old.getWeights());
    if (replacement) tf.dispose(replacement);
  }
  return rebuilt;
}

export const cloneModel = (model: tf.LayersModel) => rebuildModel(model);

export const KERNEL_LAYERS = new Set(["Conv2D", "DepthwiseConv2D", "Dense"]);

/** A layer's weight variable by short name ("kernel", "depthwise_kernel", "bias", "gamma"…). */
export const weightVariable = (layer: tf.layers.Layer, short: string) => layerWeight(layer, short) as tf.Variable | undefined;

export function kernelVariable(layer: tf.layers.Layer): tf.Variable | undefined {
  const cls = layer.getClassName();
  if (!KERNEL_LAYERS.has(cls)) return undefined;
  return weightVariable(layer, cls === "DepthwiseConv2D" ? "depthwise_kernel" : "kernel");
}

/** Layers whose kernel compression techniques act on (Conv2D, DepthwiseConv2D, Dense), in graph order. */
export function kernelLayers(model: tf.LayersModel): tf.layers.Layer[] {
  return model.layers.filter((l) => kernelVariable(l) !== undefined);
}

/**
 * Fold every BatchNormalization that folds (lib/ml/batchnorm-fold.ts: the exporter's rule) into the layer
 * before it, using the moving statistics — done up front so that what a technique trains or quantizes is
 * exactly what gets exported. The fold edits a layer's weights, so a layer called more than once (shared) keeps
 * its BatchNorm; the exporter still folds that one per call.
 */
export async function foldBatchNorm(model: tf.LayersModel): Promise<{ model: tf.LayersModel; folded: number }> {
  const folds = new Map<string, tf.layers.Layer>(); // producer name → BN layer
  for (const { producer, bn } of batchNormFolds(model))
    if (producer.inboundNodes.length === 1 && bn.inboundNodes.length === 1) folds.set(producer.name, bn);
  const remove = new Set([...folds.values()].map((bn) => bn.name));
  const rebuilt = await rebuildModel(model, {
    remove,
    config: (layer, config) => {
      if (folds.has(layer.name)) config.use_bias = true;
    },
    weights: (layer) => {
      const bn = folds.get(layer.name);
      return bn ? foldedWeights(layer, bn) : null;
    },
  });
  return { model: rebuilt, folded: folds.size };
}

/** `layer`'s weights in getWeights() order with `bn` folded in, plus a bias at the end where it had none. */
function foldedWeights(layer: tf.layers.Layer, bn: tf.layers.Layer): tf.Tensor[] {
  const { scale, shift } = bnAffine(bn);
  return tf.tidy(() => {
    const a = tf.tensor1d(Float32Array.from(scale));
    const b = tf.tensor1d(Float32Array.from(shift));
    const depthwise = layer.getClassName() === "DepthwiseConv2D";
    let bias: tf.Tensor | undefined;
    const weights = layer.weights.map((v) => {
      const w = v.read();
      switch (v.originalName.split("/").pop()) {
        case "bias":
          return (bias = tf.add(tf.mul(w, a), b));
        case "depthwise_kernel":
          // DepthwiseConv2D: [kh, kw, in, mult] → output channel c·mult + k. SeparableConv2D: the pointwise half scales.
          return depthwise ? tf.mul(w, tf.reshape(a, [1, 1, w.shape[2] as number, w.shape[3] as number])) : w.clone();
        default: // kernel, pointwise_kernel: output channels are the last axis
          return tf.mul(w, a);
      }
    });
    return bias ? weights : [...weights, b];
  });
}

export interface GraphHooks {
  /** Substitute for a layer's kernel (masked, clustered, fake-quantized…); gradients flow through it. */
  kernel?: (layer: tf.layers.Layer, kernel: tf.Tensor) => tf.Tensor;
  /** Transform a layer's output (e.g. activation fake-quant); also called for the model input with layer = input layer. */
  output?: (layer: tf.layers.Layer, y: tf.Tensor) => tf.Tensor;
}

/** Runs the model's graph on `x` layer by layer, like model.apply(x, {training}), with hooks. Call inside a tidy. */
export function runGraph(model: tf.LayersModel, x: tf.Tensor, training: boolean, hooks: GraphHooks = {}): tf.Tensor {
  const values = new Map<number, tf.Tensor>();
  const input = model.inputs[0];
  values.set(input.id, hooks.output ? hooks.output(input.sourceLayer as tf.layers.Layer, x) : x);
  for (const layer of model.layers) {
    if (layer.getClassName() === "InputLayer") continue;
    for (const node of layer.inboundNodes) {
      const inputs = node.inputTensors.map((t) => values.get(t.id));
      if (inputs.some((v) => v === undefined)) continue; // a node of another model sharing this layer
      let y = callLayer(layer, inputs as tf.Tensor[], training, hooks);
      if (hooks.output) y = hooks.output(layer, y);
      values.set(node.outputTensors[0].id, y);
    }
  }
  const out = values.get(model.outputs[0].id);
  if (!out) throw new Error("runGraph: the model output is not reachable from its input");
  return out;
}

function callLayer(layer: tf.layers.Layer, inputs: tf.Tensor[], training: boolean, hooks: GraphHooks): tf.Tensor {
  const cls = layer.getClassName();
  const kernelVar = kernelVariable(layer);
  if (!kernelVar) {
    const y = layer.apply(inputs.length === 1 ? inputs[0] : inputs, { training });
    return y as tf.Tensor;
  }
  const cfg = layer.getConfig() as Json;
  const kernel = hooks.kernel ? hooks.kernel(layer, kernelVar) : kernelVar;
  const x = inputs[0];
  let y: tf.Tensor;
  if (cls === "Conv2D") {
    y = tf.conv2d(x as tf.Tensor4D, kernel as tf.Tensor4D, cfg.strides, cfg.padding, "NHWC", cfg.dilationRate);
  } else if (cls === "DepthwiseConv2D") {
    y = tf.depthwiseConv2d(x as tf.Tensor4D, kernel as tf.Tensor4D, cfg.strides, cfg.padding, "NHWC", cfg.dilationRate);
  } else {
    if (x.rank !== 2) throw new Error(`runGraph: Dense ${layer.name} on a rank-${x.rank} input is not supported`);
    y = tf.matMul(x as tf.Tensor2D, kernel as tf.Tensor2D);
  }
  const bias = weightVariable(layer, "bias");
  if (bias) y = tf.add(y, bias);
  // Conv/Dense layers keep their activation as an object with apply() (linear in the zoo).
  const act = (layer as unknown as { activation?: { apply: (t: tf.Tensor) => tf.Tensor } }).activation;
  return act ? act.apply(y) : y;
}
