/**
 * tfjs LayersModel → ONNX (opset 13, IR 8), FP32 or INT8 QDQ.
 *
 * Layout contract (see README.md): the graph input is "input", float32, NCHW = [batch, C, H, W] with a
 * symbolic batch dim — the tfjs NHWC image transposed. The single output is "logits" ([batch, classes],
 * same values as `model.predict`), or "probabilities" when the model itself ends in a softmax.
 *
 * The exporter walks the functional graph (layers' inbound nodes from model.inputs to model.outputs), so
 * Sequential and functional models (residual adds, concats, branches) go through the same path; each
 * layer class has one converter in layers.ts. A BatchNormalization directly after a Conv/Depthwise/Dense
 * with a linear activation, and the only consumer of it, is folded into that layer's weights.
 */
import type * as tf from "@tensorflow/tfjs";
import { GraphBuilder, toPlain, type TensorRef } from "./graph";
import { converters, foldsBatchNorm, UnsupportedLayerError, type LayerConfig } from "./layers";
import { encodeModel, type Dim, type ValueInfo } from "./proto";
import { quantizeGraph, type QuantizationParams, type QuantizationPlan } from "./quantize";

export type { QuantizationParams, QuantizationPlan } from "./quantize";

export const ONNX_OPSET = 13;
/** IR version 8 is what opset 13–17 tooling (incl. Debian's onnx 1.12 checker) and ORT all accept. */
export const ONNX_IR_VERSION = 8;
export const INPUT_NAME = "input";

export interface ExportOptions {
  precision: "fp32" | "int8";
  /** Required for int8: activation ranges from `calibrate()` (or QAT). */
  quantization?: QuantizationParams;
  producerVersion?: string;
  /** Override the output name (default "logits", or "probabilities" after a final softmax). */
  outputName?: string;
  /** Extra ModelProto.metadata_props (e.g. run id, seed). */
  metadata?: Record<string, string>;
  /** Free text stored as the model doc_string. */
  docString?: string;
}

type SymbolicTensor = tf.SymbolicTensor;
type TfNode = tf.layers.Layer["inboundNodes"][number];

/**
 * Stable name of a tfjs layer output, shared by the exporter and `calibrate()`: the layer name, suffixed
 * with node/output index only for shared or multi-output layers.
 */
export function calibrationKey(t: Pick<SymbolicTensor, "sourceLayer" | "nodeIndex" | "tensorIndex">): string {
  const name = t.sourceLayer.name;
  return t.nodeIndex === 0 && t.tensorIndex === 0 ? name : `${name}#${t.nodeIndex}:${t.tensorIndex}`;
}

interface Entry {
  layer: tf.layers.Layer;
  node: TfNode;
  inputs: SymbolicTensor[];
  /** The tensors this entry's ONNX outputs stand for (a folded BN's outputs replace the layer's own). */
  emits: SymbolicTensor[];
  foldBn?: tf.layers.Layer;
  skip?: boolean;
}

const isInputLayer = (l: tf.layers.Layer) => l.getClassName() === "InputLayer";

/** Topologically ordered (layer, node) pairs that lie between model.inputs and model.outputs. */
export function planGraph(model: tf.LayersModel): Entry[] {
  if (model.inputs.length !== 1 || model.outputs.length !== 1)
    throw new UnsupportedLayerError(`ONNX export: expected one input and one output, got ${model.inputs.length} and ${model.outputs.length}`);
  const known = new Set<number>(model.inputs.map((t) => t.id));
  const pending: Entry[] = [];
  for (const layer of model.layers) {
    if (isInputLayer(layer)) continue;
    const cls = layer.getClassName();
    if (cls === "Sequential" || cls === "Model" || cls === "Functional" || cls === "LayersModel")
      throw new UnsupportedLayerError(`ONNX export: nested model ${layer.name} (${cls}); flatten it into one model first`);
    for (const node of layer.inboundNodes) pending.push({ layer, node, inputs: node.inputTensors, emits: node.outputTensors });
  }
  const ordered: Entry[] = [];
  for (let progress = true; progress; ) {
    progress = false;
    for (let i = 0; i < pending.length; i++) {
      const e = pending[i];
      if (e.inputs.every((t) => known.has(t.id))) {
        ordered.push(e);
        e.emits.forEach((t) => known.add(t.id));
        pending.splice(i--, 1);
        progress = true;
      }
    }
  }
  // Keep only what the output depends on (a shared layer may have nodes belonging to other models).
  const needed = new Set<number>(model.outputs.map((t) => t.id));
  const live: Entry[] = [];
  for (let i = ordered.length - 1; i >= 0; i--) {
    const e = ordered[i];
    if (e.emits.some((t) => needed.has(t.id))) {
      live.unshift(e);
      e.inputs.forEach((t) => needed.add(t.id));
    }
  }
  if (!model.outputs.every((t) => live.some((e) => e.emits.includes(t)) || known.has(t.id)))
    throw new Error("ONNX export: could not reach the model output from its input");
  planBatchNormFolds(live, model);
  return live;
}

function planBatchNormFolds(entries: Entry[], model: tf.LayersModel): void {
  const consumers = new Map<number, number>();
  for (const e of entries) for (const t of e.inputs) consumers.set(t.id, (consumers.get(t.id) ?? 0) + 1);
  for (const t of model.outputs) consumers.set(t.id, (consumers.get(t.id) ?? 0) + 1);
  for (const bn of entries) {
    if (bn.layer.getClassName() !== "BatchNormalization") continue;
    const axis = (bn.layer.getConfig() as LayerConfig).axis ?? -1;
    const x = bn.inputs[0];
    const producer = entries.find((e) => !e.skip && e.emits.length === 1 && e.emits[0].id === x.id);
    if (!producer || !foldsBatchNorm.has(producer.layer.getClassName()) || producer.foldBn) continue;
    const act = (producer.layer.getConfig() as LayerConfig).activation ?? "linear";
    if (act !== "linear" || consumers.get(x.id) !== 1) continue;
    if (axis !== -1 && axis !== x.shape.length - 1) continue;
    producer.foldBn = bn.layer;
    producer.emits = bn.emits;
    bn.skip = true;
  }
}

export interface BuiltGraph {
  graph: GraphBuilder;
  input: ValueInfo;
  output: ValueInfo;
}

/** Build the FP32 ONNX graph (exposed for the INT8 pass and for tests). */
export function buildGraph(model: tf.LayersModel, opts: Pick<ExportOptions, "outputName"> = {}): BuiltGraph {
  const g = new GraphBuilder();
  const entries = planGraph(model);
  const refs = new Map<number, TensorRef>();

  const inT = model.inputs[0];
  const inShape = inT.shape;
  // Public names are reserved first so no layer ("logits" is a common layer name) can take them.
  for (const n of [INPUT_NAME, "logits", "probabilities", opts.outputName]) if (n) g.reserve(n);
  const rank4 = inShape.length === 4;
  refs.set(inT.id, { name: INPUT_NAME, shape: inShape, layout: rank4 ? "nchw" : "plain" });
  g.calibrationKeys.set(INPUT_NAME, calibrationKey(inT));
  const symbolic = (d: number | null, name: string): Dim => d ?? name;
  const input: ValueInfo = {
    name: INPUT_NAME,
    dtype: "float32",
    shape: rank4
      ? ["batch", symbolic(inShape[3], "channels"), symbolic(inShape[1], "height"), symbolic(inShape[2], "width")]
      : ["batch", ...inShape.slice(1).map((d, i) => symbolic(d, `d${i + 1}`))],
    doc: rank4 ? "NCHW float32 image batch (the tfjs NHWC input transposed)" : "float32 batch, tfjs order",
  };

  for (const e of entries) {
    if (e.skip) continue;
    const cls = e.layer.getClassName();
    const convert = converters[cls];
    if (!convert)
      throw new UnsupportedLayerError(
        `ONNX export: layer ${e.layer.name} (${cls}) is not supported; supported: ${Object.keys(converters).join(", ")}`,
      );
    const inputs = e.inputs.map((t) => refs.get(t.id)!);
    const firstNode = g.nodes.length;
    const outs = convert({
      g,
      layer: e.layer,
      config: e.layer.getConfig() as LayerConfig,
      inputs,
      outputShapes: e.emits.map((t) => t.shape),
      base: e.layer.inboundNodes.length > 1 ? `${e.layer.name}_${e.layer.inboundNodes.indexOf(e.node)}` : e.layer.name,
      foldBn: e.foldBn,
    });
    for (const n of g.nodes.slice(firstNode)) g.layerOfNode.set(n.name, e.layer.name);
    e.emits.forEach((t, i) => {
      const ref = { ...outs[i], shape: t.shape };
      refs.set(t.id, ref);
      if (!g.calibrationKeys.has(ref.name)) g.calibrationKeys.set(ref.name, calibrationKey(t));
    });
  }

  const outT = model.outputs[0];
  let out = refs.get(outT.id)!;
  if (out.layout !== "plain") out = toPlain(g, out);
  const endsInSoftmax = g.producerOf(out.name)?.opType === "Softmax";
  const outName = opts.outputName ?? (endsInSoftmax ? "probabilities" : "logits");
  if (out.name === INPUT_NAME || g.initializers.has(out.name)) g.op("Identity", [out.name], outName);
  else g.rename(out.name, outName);
  const output: ValueInfo = {
    name: outName,
    dtype: "float32",
    shape: ["batch", ...outT.shape.slice(1).map((d, i) => d ?? `d${i + 1}`)],
    doc: endsInSoftmax ? "class probabilities (the model ends in softmax)" : "class logits (pre-softmax)",
  };
  return { graph: g, input, output };
}

export function exportOnnx(model: tf.LayersModel, opts: ExportOptions): Uint8Array {
  return exportOnnxWithPlan(model, opts).bytes;
}

/** The export plus, for INT8, where and with which scales it quantizes (what verification simulates in tfjs). */
export function exportOnnxWithPlan(model: tf.LayersModel, opts: ExportOptions): { bytes: Uint8Array; plan?: QuantizationPlan } {
  const { graph, input, output } = buildGraph(model, opts);
  let plan: QuantizationPlan | undefined;
  if (opts.precision === "int8") {
    if (!opts.quantization) throw new Error("ONNX export: precision int8 needs opts.quantization (run calibrate() first)");
    plan = quantizeGraph(graph, opts.quantization);
  }
  const bytes = encodeModel({
    irVersion: ONNX_IR_VERSION,
    opset: ONNX_OPSET,
    producerName: "compression-lab",
    producerVersion: opts.producerVersion ?? "0.1.0",
    docString: opts.docString,
    graphName: model.name,
    nodes: graph.nodes,
    initializers: [...graph.initializers.values()],
    inputs: [input],
    outputs: [output],
    metadata: {
      "compression-lab.precision": opts.precision,
      "compression-lab.input_layout": "NCHW",
      ...opts.metadata,
    },
  });
  return { bytes, plan };
}
