import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { exportOnnx } from "../../onnx/export";
import { argmaxRows, runOnnx } from "../../onnx/session";
import { benchCnn, randomImages, randomizeWeights, resnetBlocks } from "../../onnx/test-models";
import { kernelVariable } from "../model-graph";
import { sqnrDb, type ScoringSet } from "./evaluate-onnx-split";
import { layerCosts } from "./layer-costs";
import { pruningSensitivity } from "./pruning-sensitivity";
import { quantizationSensitivity } from "./quantization-sensitivity";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/**
 * Random images labelled by the FP32 export itself: FP32 scores 100 %, so every drop is what the edit costs. A
 * random net answers nearly one class for all noise images, so the dense's bias is first centred on the logits'
 * mean per class (the fixture's model is edited, then labelled).
 */
async function selfLabelled(model: tf.LayersModel, n: number, seed: number): Promise<ScoringSet> {
  const [, h, w, c] = model.inputs[0].shape as number[];
  const images = randomImages(n, h, w, c, seed);
  const logitsOf = async () => runOnnx(exportOnnx(model, { precision: "fp32" }), images, [n, h, w, c]);
  const first = await logitsOf();
  const dense = model.layers.filter((l) => l.getClassName() === "Dense").pop()!;
  setWeight(dense, "bias", (b) => {
    for (let k = 0; k < first.width; k++) {
      let mean = 0;
      for (let i = 0; i < n; i++) mean += first.output[i * first.width + k] / n;
      b[k] -= mean;
    }
  });
  const { output, width } = await logitsOf();
  const labels = argmaxRows(output, width);
  // Labels that are all one class would make every accuracy 100 % whatever the edit: the fixture must not.
  expect(new Set(labels).size).toBeGreaterThanOrEqual(3);
  return { images, shape: [n, h, w, c], labels };
}

function setWeight(layer: tf.layers.Layer, short: string, edit: (values: Float32Array, shape: number[]) => void): void {
  const v = layer.weights.find((w) => w.originalName.split("/").pop() === short)!.read() as tf.Variable;
  const values = Float32Array.from(v.dataSync() as Float32Array);
  edit(values, v.shape);
  tf.tidy(() => v.assign(tf.tensor(values, v.shape)));
}

describe("quantization sensitivity", () => {
  it("ranks first the layer whose int8 grid an outlier weight wrecks, by drop and by output SQNR", { timeout: 60_000 }, async () => {
    const model = benchCnn();
    randomizeWeights(model, 11);
    // conv1's channel 0 is dead (BN shifts it far below 0, the ReLU zeroes it), so a huge conv2 weight reading it
    // changes nothing in FP32 — but it sets every conv2 filter's per-channel scale, rounding the real weights to 0.
    setWeight(model.getLayer("conv1_bn"), "beta", (b) => void (b[0] = -1e4));
    setWeight(model.getLayer("conv2"), "kernel", (k, [kh, kw, cin, cout]) => {
      for (let o = 0; o < cout; o++) k[((0 * kw + 0) * cin + 0) * cout + o] = 1000;
      void kh;
    });
    const val = await selfLabelled(model, 256, 5);
    const before = tf.memory().numTensors;
    const r = await quantizationSensitivity(model, val, { calibrationImages: randomImages(64, 28, 28, 1, 6), method: "minmax" });
    expect(tf.memory().numTensors).toBe(before);
    console.log(r.layers.map((l) => `${l.layer}: drop ${l.accuracyDrop.toFixed(3)}, sqnr ${l.outputSqnrDb?.toFixed(1)} dB`).join("; "));
    expect(r.fp32Accuracy).toBe(1);
    expect(r.layers.map((l) => l.layer).sort()).toEqual(["conv1", "conv2", "conv5", "dw3", "logits", "pw4"]);
    expect(r.layers[0].layer).toBe("conv2");
    expect(r.layers[0].accuracyDrop).toBeGreaterThan(0.3);
    const others = r.layers.slice(1);
    // Labels of random images have small margins, so every layer costs something; conv2 costs far more.
    expect(r.layers[0].accuracyDrop).toBeGreaterThan(Math.max(...others.map((l) => l.accuracyDrop)) + 0.3);
    const sqnr = (l: { outputSqnrDb: number | null }) => l.outputSqnrDb ?? Infinity;
    expect(sqnr(r.layers[0])).toBeLessThan(Math.min(...others.map(sqnr)));
    // The whole model INT8 carries the broken layer too.
    expect(1 - r.allInt8Accuracy).toBeGreaterThan(0.3);
    model.dispose();
  });

  it("SQNR: 10·log10(signal/noise), null without noise", () => {
    expect(sqnrDb(Float32Array.of(3, 4), Float32Array.of(3, 4))).toBeNull();
    expect(sqnrDb(Float32Array.of(10, 0), Float32Array.of(9, 0))).toBeCloseTo(20, 10);
  });
});

describe("pruning sensitivity", () => {
  it("ranks first the only dense layer when every other kernel is already 90 % zeros; channel curves per group", { timeout: 120_000 }, async () => {
    const model = benchCnn();
    randomizeWeights(model, 12);
    // Magnitude pruning removes zeros first: up to 90 % of these layers costs exactly nothing. conv2 stays dense.
    for (const name of ["conv1", "dw3", "pw4", "conv5", "logits"]) {
      const layer = model.getLayer(name);
      setWeight(layer, layer.getClassName() === "DepthwiseConv2D" ? "depthwise_kernel" : "kernel", (k) => {
        // A scattered 10 % kept (i % 10 would keep whole output columns of the logits and nothing else).
        for (let i = 0; i < k.length; i++) if ((Math.imul(i + 1, 2654435761) >>> 0) % 10 !== 0) k[i] = 0;
      });
    }
    const val = await selfLabelled(model, 200, 7);
    const before = tf.memory().numTensors;
    const kernelBefore = kernelVariable(model.getLayer("conv2"))!.dataSync().slice();
    const r = await pruningSensitivity(model, val);
    expect(tf.memory().numTensors).toBe(before);
    expect(kernelVariable(model.getLayer("conv2"))!.dataSync()).toEqual(kernelBefore); // the input model is untouched
    expect(r.baseAccuracy).toBe(1);
    const row = (name: string) => r.layers.find((l) => l.layer === name)!;
    console.log(r.layers.map((l) => `${l.layer}: ${l.curve.map((p) => p.accuracy.toFixed(2)).join("/")}`).join("; "));
    expect(row("conv2").curve.map((p) => p.sparsity)).toEqual([0.25, 0.5, 0.75, 0.9]);
    for (const name of ["conv1", "dw3", "pw4", "conv5", "logits"]) for (const p of row(name).curve) expect(p.accuracy, `${name} @ ${p.sparsity}`).toBe(1);
    const at90 = (name: string) => row(name).curve.find((p) => p.sparsity === 0.9)!.accuracy;
    expect(at90("conv2")).toBeLessThan(0.8);
    expect([...r.layers].sort((a, b) => at90(a.layer) - at90(b.layer))[0].layer).toBe("conv2");
    // Structured pruning applies to conv1, conv2 (through the depthwise), pw4 and conv5, not to dw3 or the logits.
    expect(row("dw3").channels).toBeNull();
    expect(row("logits").channels).toBeNull();
    expect(row("conv2").channels).toMatchObject({ group: ["conv2"], channels: 32 });
    expect(row("conv2").channels!.curve.map((p) => [p.fraction, p.removed])).toEqual([[0.25, 8], [0.5, 16]]);
    expect(row("conv2").weights).toBe(3 * 3 * 32 * 32);
    model.dispose();
  });

  it("layers tied by a residual add share one channel curve", { timeout: 120_000 }, async () => {
    const model = resnetBlocks();
    randomizeWeights(model, 3);
    const val = await selfLabelled(model, 64, 2);
    const r = await pruningSensitivity(model, val, { sparsities: [0.5], channelFractions: [0.5] });
    const shared = r.layers.filter((l) => (l.channels?.group.length ?? 0) > 1);
    expect(shared.length).toBeGreaterThanOrEqual(2);
    for (const l of shared) expect(l.channels!.group).toContain(l.layer);
    model.dispose();
  });
});

describe("layer costs", () => {
  it("shares of params and MACs sum to 1; ORT's per-node time lands on the layers, the biggest conv taking most", { timeout: 60_000 }, async () => {
    const model = benchCnn();
    randomizeWeights(model, 2);
    const costs = await layerCosts(model, { runs: 30 });
    const row = (name: string) => costs.layers.find((l) => l.layer === name)!;
    const total = (k: "paramsShare" | "macsShare" | "timeShare") => costs.layers.reduce((a, l) => a + l[k], 0);
    expect(total("paramsShare")).toBeCloseTo(1, 10);
    expect(total("macsShare")).toBeCloseTo(1, 10);
    expect(costs.params).toBe(model.countParams());
    // conv2 and conv5 are the big ones (1.8 M MACs each: 3·3·32·32 at 14×14, 3·3·64·64 at 7×7); the depthwise dw3 has
    // 32× fewer (3·3·32 at 14×14). Measured: conv2 ≈ conv5 ≈ 3–5× dw3's time.
    expect(row("conv5").macs).toBe(3 * 3 * 64 * 64 * 7 * 7);
    expect(row("conv2").macs).toBe(row("conv5").macs);
    for (const name of ["conv1", "conv2", "dw3", "pw4", "conv5", "logits"]) expect(row(name).ortMs, name).toBeGreaterThan(0);
    const slowest = [...costs.layers].sort((a, b) => b.ortMs - a.ortMs)[0];
    expect(["conv2", "conv5"]).toContain(slowest.layer);
    expect(Math.min(row("conv2").ortMs, row("conv5").ortMs)).toBeGreaterThan(row("dw3").ortMs);
    // Fused ReLUs and folded BatchNorms own no time of their own; attributed + unattributed = everything profiled.
    expect(row("conv1_relu")?.ortMs ?? 0).toBe(0);
    expect(row("conv1_bn").params).toBe(4 * 32);
    expect(row("conv1_bn").ortMs).toBe(0);
    const attributed = costs.layers.reduce((a, l) => a + l.ortMs, 0);
    expect(attributed + costs.unattributedMs).toBeCloseTo(costs.ortMs, 9);
    expect(attributed / costs.ortMs).toBeGreaterThan(0.8);
    model.dispose();
  });
});
