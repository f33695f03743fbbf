// The operators the PyTorch fixtures do not exercise (Concat, MaxPool, AveragePool, HardSigmoid, HardSwish, MatMul+Add,
// Softmax, dilated and depthwise-multiplier Conv), in a graph written with our own encoder and run in
// onnxruntime-node: the converted model must compute the same.
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { calibrate } from "../calibrate";
import { exportOnnx } from "../export";
import { runOnnx } from "../session";
import { predictTfjs } from "../verify";
import { encodeModel, type Initializer, type OnnxNode } from "../proto";
import { compareWithOrt } from "./compare-with-ort";
import { importOnnx } from "./import-onnx";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

let seed = 7;
const rand = (n: number, scale = 0.5) => Float32Array.from({ length: n }, () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 2 * scale);
const f32 = (name: string, dims: number[], data = rand(dims.reduce((a, b) => a * b, 1))): Initializer => ({ name, dtype: "float32", dims, data });
const ints = (v: number[]) => ({ kind: "ints" as const, value: v });

function model(nodes: OnnxNode[], initializers: Initializer[], opset = 13) {
  return encodeModel({
    irVersion: 8, opset, producerName: "test", producerVersion: "0", graphName: "g", nodes, initializers,
    inputs: [{ name: "x", dtype: "float32", shape: ["N", 2, 8, 8] }],
    outputs: [{ name: "y", dtype: "float32", shape: ["N", 5] }],
  });
}

const nodes: OnnxNode[] = [
  { name: "conv_a", opType: "Conv", inputs: ["x", "wa", "ba"], outputs: ["a"], attributes: { pads: ints([2, 2, 2, 2]), dilations: ints([2, 2]) } },
  { name: "conv_b", opType: "Conv", inputs: ["x", "wb"], outputs: ["b"], attributes: { group: { kind: "int", value: 2 }, pads: ints([1, 1, 1, 1]) } },
  { name: "cat", opType: "Concat", inputs: ["a", "b"], outputs: ["c"], attributes: { axis: { kind: "int", value: 1 } } },
  { name: "max", opType: "MaxPool", inputs: ["c"], outputs: ["m"], attributes: { kernel_shape: ints([2, 2]), strides: ints([2, 2]) } },
  { name: "avg", opType: "AveragePool", inputs: ["m"], outputs: ["p"], attributes: { kernel_shape: ints([2, 2]), strides: ints([2, 2]) } },
  { name: "hs", opType: "HardSigmoid", inputs: ["p"], outputs: ["h"], attributes: { alpha: { kind: "float", value: 0.2 }, beta: { kind: "float", value: 0.5 } } },
  { name: "gap", opType: "GlobalAveragePool", inputs: ["h"], outputs: ["g"] },
  { name: "flat", opType: "Flatten", inputs: ["g"], outputs: ["f"] },
  { name: "mm", opType: "MatMul", inputs: ["f", "w"], outputs: ["z0"] },
  { name: "bias", opType: "Add", inputs: ["z0", "bias"], outputs: ["z"] },
  { name: "soft", opType: "Softmax", inputs: ["z"], outputs: ["y"], attributes: { axis: { kind: "int", value: 1 } } },
];
const initializers = [f32("wa", [4, 2, 3, 3]), f32("ba", [4]), f32("wb", [4, 1, 3, 3]), f32("w", [8, 5], rand(40, 3)), f32("bias", [5])];

describe("ONNX import: operators beyond the fixtures", () => {
  it("Conv (dilated; depthwise with multiplier 2), Concat, MaxPool, AveragePool, HardSigmoid, MatMul+Add, Softmax equal onnxruntime", async () => {
    const bytes = model(nodes, initializers);
    const { model: m, endsInSoftmax, numClasses } = importOnnx(bytes);
    expect(endsInSoftmax).toBe(true);
    expect(numClasses).toBe(5);
    expect(m.layers.filter((l) => l.getClassName() === "Dense")).toHaveLength(1); // MatMul + Add fused
    const n = 16;
    const images = rand(n * 8 * 8 * 2, 1);
    const check = await compareWithOrt(m, bytes, images, [n, 8, 8, 2]);
    expect(check.maxAbsDiff).toBeLessThan(1e-5);
    expect(check.top1Agreement).toBe(1);
    m.dispose();
  });

  it("HardSwish and PyTorch's HardSigmoid (α = 1/6) equal onnxruntime, and export back to ONNX that computes the same", async () => {
    const alpha = { kind: "float" as const, value: 1 / 6 };
    const pytorch: OnnxNode[] = [
      { name: "conv_a", opType: "Conv", inputs: ["x", "wa", "ba"], outputs: ["a"], attributes: { pads: ints([1, 1, 1, 1]) } },
      { name: "hswish", opType: "HardSwish", inputs: ["a"], outputs: ["s"] },
      { name: "conv_b", opType: "Conv", inputs: ["s", "wb"], outputs: ["b"] },
      { name: "hsig", opType: "HardSigmoid", inputs: ["b"], outputs: ["h"], attributes: { alpha, beta: { kind: "float", value: 0.5 } } },
      { name: "gap", opType: "GlobalAveragePool", inputs: ["h"], outputs: ["g"] },
      { name: "flat", opType: "Flatten", inputs: ["g"], outputs: ["f"] },
      { name: "fc", opType: "Gemm", inputs: ["f", "w", "bias"], outputs: ["y"], attributes: { transB: { kind: "int", value: 1 } } },
    ];
    // Weights large enough that both activations see all three pieces (0, the curve/line, the cap).
    const bytes = model(pytorch, [f32("wa", [4, 2, 3, 3], rand(72, 2)), f32("ba", [4]), f32("wb", [4, 4, 1, 1], rand(16, 3)), f32("w", [5, 4], rand(20, 3)), f32("bias", [5])], 14);
    const before = tf.memory().numTensors;
    const { model: m } = importOnnx(bytes);
    expect(m.layers.map((l) => l.getClassName())).toEqual(expect.arrayContaining(["Rescaling", "ReLU", "Multiply"]));
    const n = 32;
    const images = rand(n * 8 * 8 * 2, 1);
    const check = await compareWithOrt(m, bytes, images, [n, 8, 8, 2]);
    expect(check.maxAbsDiff).toBeLessThan(1e-5);
    expect(check.top1Agreement).toBe(1);
    const pre = tf.tidy(() => (m.getLayer("conv_1").apply(tf.tensor4d(images, [n, 8, 8, 2])) as tf.Tensor).dataSync());
    expect(pre.some((v) => v < -3) && pre.some((v) => v > 3) && pre.some((v) => Math.abs(v) < 3)).toBe(true);
    const exported = await compareWithOrt(m, exportOnnx(m, { precision: "fp32" }), images, [n, 8, 8, 2]);
    expect(exported.maxAbsDiff).toBeLessThan(1e-5);
    expect(exported.top1Agreement).toBe(1);
    // The INT8 export (Q/DQ around the Rescaling's Mul and Add) loads and runs in onnxruntime too.
    const int8 = exportOnnx(m, { precision: "int8", quantization: await calibrate(m, images, { method: "minmax" }) });
    const { output, width } = await runOnnx(int8, images, [n, 8, 8, 2]);
    expect(width).toBe(5);
    expect(output.every(Number.isFinite)).toBe(true);
    const fp32 = predictTfjs(m, images, [n, 8, 8, 2]);
    const scale = Math.max(...fp32.map(Math.abs));
    const worst = Math.max(...output.map((v, i) => Math.abs(v - fp32[i])));
    expect(worst).toBeLessThan(0.02 * scale); // 8-bit rounding (measured 0.4 %), not a wrong graph
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("refuses grouped (non-depthwise) Conv and an opset outside 11–17, naming them", () => {
    const grouped = nodes.map((n) => (n.name === "conv_b" ? { ...n, inputs: ["x", "wg"], attributes: { ...n.attributes, group: { kind: "int" as const, value: 2 } } } : n));
    // 4 input channels in 2 groups of 2: neither a plain nor a depthwise convolution.
    const bytes = model([{ name: "pre", opType: "Conv", inputs: ["x", "w4"], outputs: ["x4"] }, { ...grouped[1], inputs: ["x4", "wg"] }], [f32("w4", [4, 2, 1, 1]), f32("wg", [4, 2, 3, 3])]);
    expect(() => importOnnx(bytes)).toThrow(/unsupported operator Conv \(node "conv_b"\): group=2/);
    expect(() => importOnnx(model(nodes, initializers, 9))).toThrow(/opsets 11–17/);
  });
});
