import { existsSync, readFileSync } from "node:fs";
import protobuf from "protobufjs";
import { describe, expect, it } from "vitest";
import { decodeModel, encodeModel, onnxRoot } from "./proto";

// Debian's python3-onnx ships the official schema; ONNX_PROTO may point elsewhere.
const OFFICIAL = process.env.ONNX_PROTO ?? "/usr/lib/python3/dist-packages/onnx/onnx.proto";

describe("ONNX schema subset", () => {
  it.runIf(existsSync(OFFICIAL))("every field has the official number, type and label", () => {
    const official = protobuf.parse(readFileSync(OFFICIAL, "utf8"), { keepCase: true }).root;
    const check = (ns: protobuf.NamespaceBase) => {
      for (const obj of ns.nestedArray) {
        if (obj instanceof protobuf.Type) {
          const theirs = official.lookupType(obj.fullName);
          for (const f of obj.fieldsArray) {
            const t = theirs.fields[f.name];
            expect(t, `${obj.fullName}.${f.name}`).toBeDefined();
            expect([f.id, f.type, f.repeated], `${obj.fullName}.${f.name}`).toEqual([t.id, t.type, t.repeated]);
          }
          check(obj);
        } else if (obj instanceof protobuf.Enum) {
          const theirs = official.lookupEnum(obj.fullName);
          for (const [k, v] of Object.entries(obj.values)) expect(theirs.values[k], `${obj.fullName}.${k}`).toBe(v);
        } else if (obj instanceof protobuf.Namespace) check(obj);
      }
    };
    check(onnxRoot());
  });

  it("round-trips a model", () => {
    const bytes = encodeModel({
      irVersion: 8,
      opset: 13,
      producerName: "t",
      producerVersion: "1",
      graphName: "g",
      nodes: [{ name: "n", opType: "Relu", inputs: ["x"], outputs: ["y"], attributes: { a: { kind: "ints", value: [1, 2] } } }],
      initializers: [{ name: "w", dtype: "int8", dims: [2], data: Int8Array.of(-1, 5) }],
      inputs: [{ name: "x", dtype: "float32", shape: ["batch", 3] }],
      outputs: [{ name: "y", dtype: "float32", shape: ["batch", 3] }],
      metadata: { k: "v" },
    });
    const m = decodeModel(bytes);
    expect(m.opset).toBe(13);
    expect(m.nodes[0]).toMatchObject({ opType: "Relu", inputs: ["x"], outputs: ["y"], attributes: { a: [1, 2] } });
    expect(Array.from(new Int8Array(m.initializers[0].raw.buffer, m.initializers[0].raw.byteOffset, 2))).toEqual([-1, 5]);
    expect(m.inputs[0].dims).toEqual(["batch", 3]);
    expect(m.metadata).toEqual({ k: "v" });
  });
});
