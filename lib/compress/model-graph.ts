// Graph utilities shared by the techniques: rebuilding a functional tfjs model with edited layer configs and
// weights (structured pruning, BatchNorm folding, cloning), and running a model's graph op by op with hooks on
// kernels and layer outputs (pruning masks, shared centroids, fake-quant) so gradients reach what the hooks use.
import * as tf from "@tensorflow/tfjs";

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
    if (edits.config) edits.config(byName.get(entry.name)!, entry.config);
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
export function weightVariable(layer: tf.layers.Layer, short: string): tf.Variable | undefined {
  const w = layer.weights.find((v) => v.originalName.split("/").pop() === short);
  return w ? (w.read() as tf.Variable) : undefined;
}

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
 * Fold every BatchNormalization that directly follows a Conv2D/DepthwiseConv2D/Dense (linear activation, BN its
 * only consumer) into that layer's kernel and bias, using the moving statistics — the same fold the ONNX
 * exporter does, done up front so that what a technique trains or quantizes is exactly what gets exported.
 */
export async function foldBatchNorm(model: tf.LayersModel): Promise<{ model: tf.LayersModel; folded: number }> {
  const folds = new Map<string, tf.layers.Layer>(); // producer name → BN layer
  for (const bn of model.layers) {
    if (bn.getClassName() !== "BatchNormalization" || bn.inboundNodes.length !== 1) continue;
    const axis = (bn.getConfig() as Json).axis ?? -1;
    const input = bn.inboundNodes[0].inputTensors[0];
    if (axis !== -1 && axis !== input.shape.length - 1) continue;
    const producer = input.sourceLayer as tf.layers.Layer;
    if (!KERNEL_LAYERS.has(producer.getClassName()) || producer.inboundNodes.length !== 1) continue;
    if (((producer.getConfig() as Json).activation ?? "linear") !== "linear") continue;
    const consumers = producer.outboundNodes.length;
    if (consumers !== 1) continue;
    folds.set(producer.name, bn);
  }
  const remove = new Set([...folds.values()].map((bn) => bn.name));
  const rebuilt = await rebuildModel(model, {
    remove,
    config: (layer, config) => {
      if (folds.has(layer.name)) config.use_bias = true;
    },
    weights: (layer) => {
      const bn = folds.get(layer.name);
      if (!bn) return null;
      return tf.tidy(() => {
        const cfg = bn.getConfig() as Json;
        const mean = weightVariable(bn, "moving_mean")!;
        const variance = weightVariable(bn, "moving_variance")!;
        const gamma = cfg.scale === false ? tf.onesLike(mean) : weightVariable(bn, "gamma")!;
        const beta = cfg.center === false ? tf.zerosLike(mean) : weightVariable(bn, "beta")!;
        const a = tf.div(gamma, tf.sqrt(tf.add(variance, cfg.epsilon ?? 1e-3)));
        const kernel = kernelVariable(layer)!;
        const bias = weightVariable(layer, "bias") ?? tf.zerosLike(mean);
        // Output channels are the last kernel axis, except depthwise [kh, kw, in, mult] → channel c·mult + k.
        const scaled =
          layer.getClassName() === "DepthwiseConv2D"
            ? tf.mul(kernel, tf.reshape(a, [1, 1, kernel.shape[2] as number, kernel.shape[3] as number]))
            : tf.mul(kernel, a);
        return [scaled, tf.add(tf.mul(bias, a), tf.sub(beta, tf.mul(mean, a)))];
      });
    },
  });
  return { model: rebuilt, folded: folds.size };
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
