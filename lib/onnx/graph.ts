/**
 * The in-memory ONNX graph the exporter builds before encoding, plus the layout bookkeeping that makes
 * NHWC (tfjs) → NCHW (ONNX) conversion explicit.
 *
 * Every value the converter passes around is a `TensorRef`: its ONNX name, the tfjs shape it stands for
 * (always NHWC order, batch first, `null` for unknown dims) and how its elements are laid out in ONNX:
 *   - "nchw":     a rank-4 image tensor stored NCHW (the tfjs NHWC tensor transposed);
 *   - "plain":    same element order as tfjs (rank ≠ 4, e.g. [N, features]);
 *   - "flat-chw": a Flatten of an NCHW tensor, i.e. the tfjs [N, H*W*C] vector with its features in C,H,W
 *                 order instead of H,W,C. A following Dense absorbs the permutation into its weight rows
 *                 (no runtime cost); any other consumer asks `toPlain`, which inserts the real transpose.
 */
import type { AttrValue, DType, Initializer, OnnxNode, TypedData } from "./proto";

export type Layout = "nchw" | "plain" | "flat-chw";

export interface TensorRef {
  name: string;
  /** tfjs shape, batch first, NHWC for images. */
  shape: (number | null)[];
  layout: Layout;
  /** For "flat-chw": the [H, W, C] of the flattened image tensor. */
  flatFrom?: [number, number, number];
}

export class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers = new Map<string, Initializer>();
  /** Which ONNX value carries which tfjs layer output, for calibration lookups by the INT8 pass. */
  readonly calibrationKeys = new Map<string, string>();
  /** Which tfjs layer each ONNX node was converted from (node name → layer name), so the INT8 pass can leave a
   *  layer's ops float (`QuantizationParams.fp32Layers`). A folded BatchNorm's work belongs to its producer. */
  readonly layerOfNode = new Map<string, string>();
  private readonly used = new Set<string>();
  private readonly constants = new Map<string, string>();

  /** A fresh value/node name derived from `base` (ONNX names must be unique within the graph). */
  unique(base: string): string {
    const clean = base.replace(/[^A-Za-z0-9_.:/-]/g, "_");
    let name = clean;
    for (let i = 1; this.used.has(name); i++) name = `${clean}_${i}`;
    this.used.add(name);
    return name;
  }

  reserve(name: string): void {
    if (this.used.has(name)) throw new Error(`ONNX export: duplicate value name ${name}`);
    this.used.add(name);
  }

  initializer(base: string, dtype: DType, dims: number[], data: TypedData): string {
    const name = this.unique(base);
    const size = dims.reduce((a, b) => a * b, 1);
    if (size !== data.length) throw new Error(`ONNX export: initializer ${name} has ${data.length} values for dims [${dims}]`);
    this.initializers.set(name, { name, dtype, dims, data });
    return name;
  }

  /** Small shared constants (Clip bounds, Reshape shapes, Pad amounts), deduplicated by value. */
  constant(dtype: DType, dims: number[], values: number[]): string {
    const key = `${dtype}:${dims.join("x")}:${values.join(",")}`;
    const hit = this.constants.get(key);
    if (hit) return hit;
    const data =
      dtype === "int64" ? BigInt64Array.from(values.map((v) => BigInt(v))) : dtype === "float32" ? Float32Array.from(values) : Int32Array.from(values);
    const name = this.initializer(`const_${dtype}_${values.join("_").replace(/-/g, "m").slice(0, 40)}`, dtype, dims, data);
    this.constants.set(key, name);
    return name;
  }

  node(opType: string, inputs: string[], outBase: string, attributes?: Record<string, AttrValue>, nOut = 1): string[] {
    const outputs = Array.from({ length: nOut }, (_, i) => this.unique(nOut === 1 ? outBase : `${outBase}:${i}`));
    // Node names live in their own namespace; naming a node after its output keeps files small and readable.
    this.nodes.push({ name: outputs[0], opType, inputs, outputs, attributes });
    return outputs;
  }

  /** One-output convenience. */
  op(opType: string, inputs: string[], outBase: string, attributes?: Record<string, AttrValue>): string {
    return this.node(opType, inputs, outBase, attributes)[0];
  }

  /** Rename a value everywhere (used to give the graph output its public name). */
  rename(from: string, to: string): void {
    if (this.initializers.has(to) || this.nodes.some((n) => n.outputs.includes(to))) throw new Error(`ONNX export: ${to} is already a value`);
    this.used.add(to);
    for (const n of this.nodes) {
      n.inputs = n.inputs.map((x) => (x === from ? to : x));
      n.outputs = n.outputs.map((x) => (x === from ? to : x));
    }
    const key = this.calibrationKeys.get(from);
    if (key !== undefined) this.calibrationKeys.set(to, key);
  }

  producerOf(name: string): OnnxNode | undefined {
    return this.nodes.find((n) => n.outputs.includes(name));
  }
}

export const attr = {
  int: (value: number): AttrValue => ({ kind: "int", value }),
  ints: (value: number[]): AttrValue => ({ kind: "ints", value }),
  float: (value: number): AttrValue => ({ kind: "float", value }),
  floats: (value: number[]): AttrValue => ({ kind: "floats", value }),
  string: (value: string): AttrValue => ({ kind: "string", value }),
};

/** NHWC axis (possibly negative) → NCHW axis, for rank-4 tensors. */
export function nchwAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (rank !== 4) return a;
  return [0, 2, 3, 1][a];
}

/**
 * Bring a value into tfjs element order ("plain"), inserting the transposes the layout needs.
 * NCHW → NHWC is one Transpose; flat-chw → Reshape to NCHW, Transpose to NHWC, Flatten again.
 */
export function toPlain(g: GraphBuilder, t: TensorRef): TensorRef {
  if (t.layout === "plain") return t;
  if (t.layout === "nchw") {
    const name = g.op("Transpose", [t.name], `${t.name}_nhwc`, { perm: attr.ints([0, 2, 3, 1]) });
    return { ...t, name, layout: "plain" };
  }
  const [h, w, c] = t.flatFrom!;
  const shape = g.constant("int64", [4], [0, c, h, w]);
  const img = g.op("Reshape", [t.name, shape], `${t.name}_unflat`);
  const nhwc = g.op("Transpose", [img], `${t.name}_nhwc`, { perm: attr.ints([0, 2, 3, 1]) });
  const flat = g.op("Flatten", [nhwc], `${t.name}_hwc`, { axis: attr.int(1) });
  return { name: flat, shape: t.shape, layout: "plain" };
}

/** The rank-4 image tensor in NCHW, whatever its current layout. */
export function toNchw(g: GraphBuilder, t: TensorRef): TensorRef {
  if (t.layout === "nchw") return t;
  if (t.shape.length !== 4) throw new Error(`ONNX export: expected a rank-4 image tensor, got shape [${t.shape}]`);
  const name = g.op("Transpose", [t.name], `${t.name}_nchw`, { perm: attr.ints([0, 3, 1, 2]) });
  return { ...t, name, layout: "nchw" };
}
