// Reads an uploaded ONNX file into plain data for the importer: nodes with typed attributes (Constant tensors
// included), initializers as numbers, the graph's input and output. Unlike decodeModel (proto.ts), which reads
// back what our exporter writes, this accepts what other exporters write (float_data / int64_data, Constant nodes).
import { onnxRoot } from "../proto";

export interface ConstTensor {
  dims: number[];
  /** Float and integer tensors alike, as numbers (int64 shapes and axes fit). */
  values: Float32Array | number[];
}

export type Attr = number | number[] | string | ConstTensor;

export interface ImportNode {
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attrs: Record<string, Attr>;
}

export interface ImportGraph {
  opset: number;
  producer: string;
  nodes: ImportNode[];
  initializers: Map<string, ConstTensor>;
  input: { name: string; dims: (number | string)[] };
  outputs: string[];
}

export class OnnxReadError extends Error {}

// protobufjs toObject output is untyped; only the fields of onnx.proto read below are touched.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

const FLOAT = 1, INT32 = 6, INT64 = 7, DOUBLE = 11;

function tensorOf(t: Any): ConstTensor {
  const dims: number[] = (t.dims ?? []).map(Number);
  const raw: Uint8Array | undefined = t.raw_data?.length ? t.raw_data : undefined;
  const view = raw && new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  switch (t.data_type) {
    case FLOAT:
      if (view) return { dims, values: new Float32Array(raw.length / 4).map((_, i) => view.getFloat32(i * 4, true)) };
      return { dims, values: Float32Array.from(t.float_data ?? []) };
    case DOUBLE:
      if (view) return { dims, values: new Float32Array(raw.length / 8).map((_, i) => view.getFloat64(i * 8, true)) };
      return { dims, values: Float32Array.from(t.double_data ?? []) };
    case INT64:
      if (view) return { dims, values: Array.from({ length: raw.length / 8 }, (_, i) => Number(view.getBigInt64(i * 8, true))) };
      return { dims, values: (t.int64_data ?? []).map(Number) };
    case INT32:
      if (view) return { dims, values: Array.from({ length: raw.length / 4 }, (_, i) => view.getInt32(i * 4, true)) };
      return { dims, values: (t.int32_data ?? []).map(Number) };
    default:
      throw new OnnxReadError(`tensor "${t.name ?? ""}" has element type ${t.data_type}, which the importer does not read (float, double, int32, int64)`);
  }
}

function attrOf(a: Any): Attr {
  switch (a.type) {
    case 1: return a.f ?? 0;
    case 2: return Number(a.i ?? 0);
    case 3: return new TextDecoder().decode(a.s ?? new Uint8Array());
    case 4: return tensorOf(a.t);
    case 6: return (a.floats ?? []).map(Number);
    case 7: return (a.ints ?? []).map(Number);
    default: return a.ints?.length ? a.ints.map(Number) : a.floats?.length ? a.floats : Number(a.i ?? a.f ?? 0);
  }
}

export function readOnnx(bytes: Uint8Array): ImportGraph {
  const ModelProto = onnxRoot().lookupType("onnx.ModelProto");
  let m: Any;
  try {
    m = ModelProto.toObject(ModelProto.decode(bytes), { longs: Number, bytes: Uint8Array, defaults: false });
  } catch (e) {
    throw new OnnxReadError(`not an ONNX model (${(e as Error).message})`);
  }
  const g = m.graph;
  if (!g?.node?.length) throw new OnnxReadError("not an ONNX model: no graph or no nodes");
  const opset = Number((m.opset_import ?? []).find((o: Any) => !o.domain || o.domain === "ai.onnx")?.version ?? 0);
  const initializers = new Map<string, ConstTensor>((g.initializer ?? []).map((t: Any) => [t.name, tensorOf(t)]));
  const inputs = (g.input ?? []).filter((v: Any) => !initializers.has(v.name));
  if (inputs.length !== 1) throw new OnnxReadError(`the model has ${inputs.length} inputs; one image input is supported`);
  const dims = (inputs[0].type?.tensor_type?.shape?.dim ?? []).map((d: Any) => d.dim_param ?? (d.dim_value !== undefined ? Number(d.dim_value) : "?"));
  return {
    opset,
    producer: `${m.producer_name ?? ""} ${m.producer_version ?? ""}`.trim(),
    nodes: g.node.map((n: Any, i: number) => ({
      name: n.name || `${n.op_type}_${i}`,
      opType: n.op_type,
      domain: n.domain ?? "",
      inputs: n.input ?? [],
      outputs: n.output ?? [],
      attrs: Object.fromEntries((n.attribute ?? []).map((a: Any) => [a.name, attrOf(a)])),
    })),
    initializers,
    input: { name: inputs[0].name, dims },
    outputs: (g.output ?? []).map((v: Any) => v.name),
  };
}
