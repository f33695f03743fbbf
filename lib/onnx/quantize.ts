/**
 * INT8 pass over the FP32 graph: rewrites it into ONNX QDQ form (QuantizeLinear → DequantizeLinear pairs
 * around quantizable ops, int8 weight initializers behind DequantizeLinear), the format ONNX Runtime's own
 * tool writes and fuses into integer kernels (QLinearConv, QGemm, QLinearAdd, QLinearGlobalAveragePool…).
 *
 * What gets a Q/DQ pair: every activation tensor that feeds a quantizable op (Conv, Gemm, Add, Mul,
 * Concat, pools) or comes out of one, provided calibration measured its range. Conv/Gemm outputs that
 * go through a fused activation first are not quantized themselves: ORT drops the Relu/Clip when the
 * following QuantizeLinear's range already clips at 0 (or 6), then fuses DQ→Conv→Q. The graph output
 * stays float, so logits are not rounded.
 *
 * Mixed precision (`fp32Layers`): the ops converted from those tfjs layers stay float — float weights, and no
 * Q/DQ requested on their behalf. Activations are quantized per tensor, once for every reader: a tensor that an
 * INT8 op reads is rounded even where an FP32 layer reads it too (what the tfjs simulation does as well, so the
 * file still verifies against it). Leaving every layer but one FP32 measures that one layer's INT8 cost.
 */
import type { GraphBuilder } from "./graph";
import { attr } from "./graph";
import type { OnnxNode } from "./proto";
import {
  activationQParams,
  quantizeBias,
  quantizeWeightsPerChannel,
  type ActivationRange,
  type ActivationType,
  type QParams,
} from "./quantize-weights";

export interface QuantizationParams {
  /** Activation ranges keyed by calibration key (a tfjs layer name, see `calibrationKey`). */
  activationRanges: Record<string, ActivationRange>;
  /** uint8 (default; MLAS's fastest path on x86) or int8 activations. Weights are always int8. */
  activationType?: ActivationType;
  /** How the ranges were obtained — stored in the model card, not used here. */
  method?: "minmax" | "percentile" | "entropy" | "qat";
  percentile?: number;
  calibrationImages?: number;
  /** tfjs layer names left in FP32 (mixed precision; see the header). Unknown names are ignored. */
  fp32Layers?: string[];
}

/** Ops whose activation inputs (all non-initializer inputs) are quantized. */
const QUANTIZED_INPUTS = new Set(["Conv", "Gemm", "Add", "Mul", "Concat", "MaxPool", "AveragePool", "GlobalAveragePool"]);
/** Ops whose output is quantized too (ORT fuses DQ→op→Q for these). Conv/Gemm outputs come via their consumers. */
const QUANTIZED_OUTPUTS = new Set(["Add", "Mul", "Concat", "MaxPool", "AveragePool", "GlobalAveragePool"]);
/** Ops that only move data: the range of their output equals the range of their input. */
const DATA_MOVEMENT = new Set(["Transpose", "Reshape", "Flatten", "Identity"]);

/**
 * Where the INT8 graph rounds activations, as the exporter decided it: calibration key (the tfjs layer output,
 * see `calibrationKey`) → the per-tensor scale and zero point written into the file. A tfjs simulation
 * (quantize-simulate.ts) rounds at the same keys with the same numbers, so it can be compared with ORT.
 */
export interface QuantizationPlan {
  activationType: ActivationType;
  activations: Map<string, QParams>;
  /** Layers whose kernels stayed float (the simulation must not put them on the int8 grid). */
  fp32Layers: Set<string>;
}

export function quantizeGraph(g: GraphBuilder, params: QuantizationParams): QuantizationPlan {
  const type = params.activationType ?? "uint8";
  const fp32 = new Set(params.fp32Layers ?? []);
  const isInt8 = (n: OnnxNode) => !fp32.has(g.layerOfNode.get(n.name) ?? "");
  const producer = new Map<string, OnnxNode>();
  const consumers = new Map<string, OnnxNode[]>();
  for (const n of g.nodes) {
    n.outputs.forEach((o) => producer.set(o, n));
    n.inputs.forEach((i) => consumers.set(i, [...(consumers.get(i) ?? []), n]));
  }
  const graphOutputs = new Set(g.nodes.flatMap((n) => n.outputs).filter((o) => !consumers.has(o)));

  /** A tfjs-measured range for a value, looking through pure data movement in either direction. */
  const rangeOf = (v: string, seen = new Set<string>()): { key: string; range: ActivationRange } | undefined => {
    if (seen.has(v)) return undefined;
    seen.add(v);
    const key = g.calibrationKeys.get(v);
    if (key !== undefined && params.activationRanges[key]) return { key, range: params.activationRanges[key] };
    const p = producer.get(v);
    if (p && DATA_MOVEMENT.has(p.opType)) {
      const r = rangeOf(p.inputs[0], seen);
      if (r) return r;
    }
    const cs = consumers.get(v) ?? [];
    if (cs.length === 1 && DATA_MOVEMENT.has(cs[0].opType)) return rangeOf(cs[0].outputs[0], seen);
    return undefined;
  };

  const isActivation = (v: string) => !g.initializers.has(v);
  const wanted = new Set<string>();
  for (const n of g.nodes) {
    if (!isInt8(n)) continue;
    if (QUANTIZED_INPUTS.has(n.opType)) {
      const acts = n.opType === "Conv" || n.opType === "Gemm" ? [n.inputs[0]] : n.inputs.filter(isActivation);
      // Binary ops with a constant operand stay float: ORT only fuses them when every input is DQ'd.
      if (acts.length === (n.opType === "Conv" || n.opType === "Gemm" ? 1 : n.inputs.length)) acts.forEach((v) => wanted.add(v));
    }
    if (QUANTIZED_OUTPUTS.has(n.opType))
      for (const v of n.outputs) {
        // Add→Relu→Q: leave the Add output float; ORT folds the Relu into the following Q's range.
        const cs = consumers.get(v) ?? [];
        if (!(cs.length === 1 && (cs[0].opType === "Relu" || cs[0].opType === "Clip"))) wanted.add(v);
      }
  }

  // Pull quantization back through data movement (Conv→Relu→Flatten→Gemm): quantizing the Flatten's input
  // too lets ORT fuse the Conv's output Q and then drop the now-redundant DQ→Flatten→Q.
  for (const v of [...wanted]) {
    for (let p = producer.get(v); p && DATA_MOVEMENT.has(p.opType) && consumers.get(p.inputs[0])?.length === 1; p = producer.get(p.inputs[0]))
      wanted.add(p.inputs[0]);
  }

  const qparams = new Map<string, QParams>();
  const plan: QuantizationPlan = { activationType: type, activations: new Map(), fp32Layers: fp32 };
  for (const v of wanted) {
    if (graphOutputs.has(v)) continue;
    const found = rangeOf(v);
    if (!found) continue;
    const qp = activationQParams(found.range, type);
    qparams.set(v, qp);
    // Values found through data movement share their key's range, hence its qparams: one entry per key.
    plan.activations.set(found.key, qp);
  }

  // Insert Q→DQ after each chosen value; every consumer reads the dequantized value, so the
  // producer's only consumer is the QuantizeLinear (what ORT's fusion requires).
  const dq = new Map<string, string>();
  for (const [v, qp] of qparams) {
    const scale = g.initializer(`${v}_scale`, "float32", [], Float32Array.of(qp.scale));
    const zp = g.initializer(`${v}_zp`, type, [], type === "uint8" ? Uint8Array.of(qp.zeroPoint) : Int8Array.of(qp.zeroPoint));
    const q = g.unique(`${v}_q`);
    const d = g.unique(`${v}_dq`);
    dq.set(v, d);
    for (const c of consumers.get(v) ?? []) c.inputs = c.inputs.map((i) => (i === v ? d : i));
    const at = g.nodes.indexOf(producer.get(v)!) + 1; // right after the producer (or at the top for the graph input)
    g.nodes.splice(at, 0, { name: q, opType: "QuantizeLinear", inputs: [v, scale, zp], outputs: [q] }, {
      name: d,
      opType: "DequantizeLinear",
      inputs: [q, scale, zp],
      outputs: [d],
    });
  }

  // Weights and biases of Conv/Gemm: int8 per-channel initializers behind DequantizeLinear(axis 0).
  for (const n of [...g.nodes]) {
    if ((n.opType !== "Conv" && n.opType !== "Gemm") || !isInt8(n)) continue;
    if (n.opType === "Gemm" && n.attributes?.transB?.kind === "int" && n.attributes.transB.value !== 1) continue;
    const w = g.initializers.get(n.inputs[1]);
    if (!w || w.dtype !== "float32") continue;
    const channels = w.dims[0];
    const { q, scales } = quantizeWeightsPerChannel(w.data as Float32Array, channels);
    // The int8 tensor takes over the float initializer's name (the float one is gone).
    g.initializers.set(w.name, { name: w.name, dtype: "int8", dims: w.dims, data: q });
    const wIn = [w.name, g.initializer(`${w.name}_scale`, "float32", [channels], scales)];
    // Zero points are 0 (symmetric) and optional in DequantizeLinear. ORT still fuses Conv without them
    // (checked on the optimized graph), but its QGemm fusion needs them, so Gemm keeps explicit zeros.
    if (n.opType === "Gemm") wIn.push(g.initializer(`${w.name}_zp`, "int8", [channels], new Int8Array(channels)));
    const wDq = dequantizeNode(g, wIn, `${w.name}_dq`);
    const inputIdx = g.nodes.indexOf(n);
    const inserted: OnnxNode[] = [wDq];
    n.inputs[1] = wDq.outputs[0];

    // The bias can be integer only when the input is quantized: its scale is s_in · s_w[c].
    const inQ = [...qparams.entries()].find(([v]) => dq.get(v) === n.inputs[0]);
    const b = n.inputs[2] ? g.initializers.get(n.inputs[2]) : undefined;
    if (b && inQ && b.dtype === "float32") {
      const bq = quantizeBias(b.data as Float32Array, inQ[1].scale, scales);
      g.initializers.set(b.name, { name: b.name, dtype: "int32", dims: b.dims, data: bq.q });
      const bsName = g.initializer(`${b.name}_scale`, "float32", b.dims, bq.scales);
      // int32 DequantizeLinear takes no zero point (it is 0 by definition).
      const bDq = dequantizeNode(g, [b.name, bsName], `${b.name}_dq`);
      inserted.push(bDq);
      n.inputs[2] = bDq.outputs[0];
    }
    g.nodes.splice(inputIdx, 0, ...inserted);
  }
  return plan;
}

function dequantizeNode(g: GraphBuilder, inputs: string[], out: string): OnnxNode {
  const name = g.unique(out);
  return { name, opType: "DequantizeLinear", inputs, outputs: [name], attributes: { axis: attr.int(0) } };
}
