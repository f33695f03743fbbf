/**
 * ONNX protobuf encoding with protobufjs.
 *
 * The schema below is the subset of the official `onnx.proto` (ONNX project, Apache-2.0,
 * https://github.com/onnx/onnx/blob/main/onnx/onnx.proto) that an inference graph needs. Message names,
 * field names, field numbers, wire types and `syntax = "proto2"` are copied unchanged, so the bytes we
 * write are a valid `onnx.ModelProto`; `proto.test.ts` cross-checks every field against the official file
 * when it is available (Debian's python3-onnx ships it). Keeping the subset inline (instead of reading a
 * .proto file at run time) means no file lookup relative to the bundle in Next.js or the worker.
 */
import protobuf from "protobufjs";

export const ONNX_SCHEMA_SUBSET = `
syntax = "proto2";
package onnx;

message AttributeProto {
  enum AttributeType {
    UNDEFINED = 0; FLOAT = 1; INT = 2; STRING = 3; TENSOR = 4; GRAPH = 5; SPARSE_TENSOR = 11; TYPE_PROTO = 13;
    FLOATS = 6; INTS = 7; STRINGS = 8; TENSORS = 9; GRAPHS = 10; SPARSE_TENSORS = 12; TYPE_PROTOS = 14;
  }
  optional string name = 1;
  optional string doc_string = 13;
  optional AttributeType type = 20;
  optional float f = 2;
  optional int64 i = 3;
  optional bytes s = 4;
  optional TensorProto t = 5;
  repeated float floats = 7;
  repeated int64 ints = 8;
  repeated bytes strings = 9;
}
message ValueInfoProto {
  optional string name = 1;
  optional TypeProto type = 2;
  optional string doc_string = 3;
}
message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  optional string name = 3;
  optional string op_type = 4;
  optional string domain = 7;
  repeated AttributeProto attribute = 5;
  optional string doc_string = 6;
}
message ModelProto {
  optional int64 ir_version = 1;
  repeated OperatorSetIdProto opset_import = 8;
  optional string producer_name = 2;
  optional string producer_version = 3;
  optional string domain = 4;
  optional int64 model_version = 5;
  optional string doc_string = 6;
  optional GraphProto graph = 7;
  repeated StringStringEntryProto metadata_props = 14;
}
message StringStringEntryProto {
  optional string key = 1;
  optional string value = 2;
}
message GraphProto {
  repeated NodeProto node = 1;
  optional string name = 2;
  repeated TensorProto initializer = 5;
  optional string doc_string = 10;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
  repeated ValueInfoProto value_info = 13;
}
message TensorProto {
  enum DataType {
    UNDEFINED = 0; FLOAT = 1; UINT8 = 2; INT8 = 3; UINT16 = 4; INT16 = 5; INT32 = 6; INT64 = 7;
    STRING = 8; BOOL = 9; FLOAT16 = 10; DOUBLE = 11; UINT32 = 12; UINT64 = 13;
  }
  repeated int64 dims = 1;
  optional int32 data_type = 2;
  repeated float float_data = 4 [packed = true];
  repeated int32 int32_data = 5 [packed = true];
  repeated int64 int64_data = 7 [packed = true];
  optional string name = 8;
  optional string doc_string = 12;
  optional bytes raw_data = 9;
}
message TensorShapeProto {
  message Dimension {
    oneof value {
      int64 dim_value = 1;
      string dim_param = 2;
    }
    optional string denotation = 3;
  }
  repeated Dimension dim = 1;
}
message TypeProto {
  message Tensor {
    optional int32 elem_type = 1;
    optional TensorShapeProto shape = 2;
  }
  oneof value {
    Tensor tensor_type = 1;
  }
  optional string denotation = 6;
}
message OperatorSetIdProto {
  optional string domain = 1;
  optional int64 version = 2;
}
`;

/** TensorProto.DataType values for the element types we emit. */
export const DataType = { float32: 1, uint8: 2, int8: 3, int32: 6, int64: 7 } as const;
export type DType = keyof typeof DataType;

/** AttributeProto.AttributeType values. */
const AttrType = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7 } as const;

export type TypedData = Float32Array | Int8Array | Uint8Array | Int32Array | BigInt64Array;

export interface Initializer {
  name: string;
  dtype: DType;
  dims: number[];
  data: TypedData;
}

export type AttrValue =
  | { kind: "int"; value: number }
  | { kind: "ints"; value: number[] }
  | { kind: "float"; value: number }
  | { kind: "floats"; value: number[] }
  | { kind: "string"; value: string };

export interface OnnxNode {
  name: string;
  opType: string;
  inputs: string[];
  outputs: string[];
  attributes?: Record<string, AttrValue>;
  domain?: string;
}

/** A dim is a fixed size or a symbolic name such as "batch". */
export type Dim = number | string;

export interface ValueInfo {
  name: string;
  dtype: DType;
  shape: Dim[];
  doc?: string;
}

export interface OnnxModel {
  irVersion: number;
  opset: number;
  producerName: string;
  producerVersion: string;
  docString?: string;
  graphName: string;
  nodes: OnnxNode[];
  initializers: Initializer[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  metadata?: Record<string, string>;
}

let root: protobuf.Root | undefined;
export function onnxRoot(): protobuf.Root {
  root ??= protobuf.parse(ONNX_SCHEMA_SUBSET, { keepCase: true }).root;
  return root;
}

/** Raw little-endian bytes of a typed array (ONNX raw_data is always little-endian). */
function rawBytes(data: TypedData): Uint8Array {
  const out = new Uint8Array(data.byteLength);
  const view = new DataView(out.buffer);
  if (data instanceof Float32Array) data.forEach((v, i) => view.setFloat32(i * 4, v, true));
  else if (data instanceof Int32Array) data.forEach((v, i) => view.setInt32(i * 4, v, true));
  else if (data instanceof BigInt64Array) data.forEach((v, i) => view.setBigInt64(i * 8, v, true));
  else out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return out;
}

function attributeProto(name: string, a: AttrValue): Record<string, unknown> {
  switch (a.kind) {
    case "int":
      return { name, type: AttrType.INT, i: a.value };
    case "ints":
      return { name, type: AttrType.INTS, ints: a.value };
    case "float":
      return { name, type: AttrType.FLOAT, f: a.value };
    case "floats":
      return { name, type: AttrType.FLOATS, floats: a.value };
    case "string":
      return { name, type: AttrType.STRING, s: new TextEncoder().encode(a.value) };
  }
}

function valueInfoProto(v: ValueInfo): Record<string, unknown> {
  return {
    name: v.name,
    doc_string: v.doc,
    type: {
      tensor_type: {
        elem_type: DataType[v.dtype],
        shape: { dim: v.shape.map((d) => (typeof d === "number" ? { dim_value: d } : { dim_param: d })) },
      },
    },
  };
}

export function encodeModel(m: OnnxModel): Uint8Array {
  const ModelProto = onnxRoot().lookupType("onnx.ModelProto");
  const obj = {
    ir_version: m.irVersion,
    opset_import: [{ domain: "", version: m.opset }],
    producer_name: m.producerName,
    producer_version: m.producerVersion,
    doc_string: m.docString,
    graph: {
      name: m.graphName,
      node: m.nodes.map((n) => ({
        name: n.name,
        op_type: n.opType,
        domain: n.domain ?? "",
        input: n.inputs,
        output: n.outputs,
        attribute: Object.entries(n.attributes ?? {}).map(([k, v]) => attributeProto(k, v)),
      })),
      initializer: m.initializers.map((t) => ({
        name: t.name,
        dims: t.dims,
        data_type: DataType[t.dtype],
        raw_data: rawBytes(t.data),
      })),
      input: m.inputs.map(valueInfoProto),
      output: m.outputs.map(valueInfoProto),
    },
    metadata_props: Object.entries(m.metadata ?? {}).map(([key, value]) => ({ key, value })),
  };
  const err = ModelProto.verify(obj);
  if (err) throw new Error(`ONNX encode: invalid ModelProto (${err})`);
  return ModelProto.encode(ModelProto.fromObject(obj)).finish();
}

/** Decoded initializer, used by tests and size reporting. */
export interface DecodedTensor {
  name: string;
  dtype: number;
  dims: number[];
  raw: Uint8Array;
}
export interface DecodedModel {
  opset: number;
  irVersion: number;
  nodes: { opType: string; inputs: string[]; outputs: string[]; attributes: Record<string, unknown> }[];
  initializers: DecodedTensor[];
  inputs: { name: string; dims: Dim[] }[];
  outputs: { name: string; dims: Dim[] }[];
  metadata: Record<string, string>;
}

/** Decode the parts of a ModelProto that we write; for inspection, not a general ONNX reader. */
// protobufjs toObject output is untyped; this reader only walks the fields written above.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

export function decodeModel(bytes: Uint8Array): DecodedModel {
  const ModelProto = onnxRoot().lookupType("onnx.ModelProto");
  const m = ModelProto.toObject(ModelProto.decode(bytes), { longs: Number, bytes: Uint8Array, defaults: false }) as Any;
  const dimsOf = (v: Any): Dim[] =>
    (v.type?.tensor_type?.shape?.dim ?? []).map((d: Any) => d.dim_param ?? d.dim_value);
  const g = m.graph ?? {};
  return {
    opset: m.opset_import?.[0]?.version ?? 0,
    irVersion: m.ir_version ?? 0,
    nodes: (g.node ?? []).map((n: Any) => ({
      opType: n.op_type,
      inputs: n.input ?? [],
      outputs: n.output ?? [],
      attributes: Object.fromEntries((n.attribute ?? []).map((a: Any) => [a.name, a.i ?? a.f ?? a.ints ?? a.floats ?? a.s])),
    })),
    initializers: (g.initializer ?? []).map((t: Any) => ({
      name: t.name,
      dtype: t.data_type,
      dims: t.dims ?? [],
      raw: t.raw_data ?? new Uint8Array(0),
    })),
    inputs: (g.input ?? []).map((v: Any) => ({ name: v.name, dims: dimsOf(v) })),
    outputs: (g.output ?? []).map((v: Any) => ({ name: v.name, dims: dimsOf(v) })),
    metadata: Object.fromEntries((m.metadata_props ?? []).map((e: Any) => [e.key, e.value])),
  };
}
