import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { foldBatchNorm } from "../compress/model-graph";
import { calibrate } from "./calibrate";
import { exportOnnxWithPlan, type QuantizationPlan } from "./export";
import { randomImages, randomizeWeights, zooModel } from "./test-models";
import { compareInt8, compareOnnx, INT8_MIN_AGREEMENT, verifyInt8 } from "./verify";
import { quantizeDequantize, simulationProblem } from "./quantize-simulate";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/** A plan whose every activation scale is `factor`× what the file holds (a wrong simulation). */
const scaled = (plan: QuantizationPlan, factor: number): QuantizationPlan => ({
  ...plan,
  activations: new Map([...plan.activations].map(([k, qp]) => [k, { ...qp, scale: qp.scale * factor }])),
});

describe("INT8 simulation in tfjs vs ORT", () => {
  it("quantize→dequantize: round half to even, clipped to the grid, zero exact", () => {
    const y = tf.tidy(() => quantizeDequantize(tf.tensor1d([0, 0.25, 0.75, 1.3, -5, 200]), { scale: 0.5, zeroPoint: 2 }, "uint8").arraySync());
    // 0.25/0.5 = 0.5 → 0 (even), 0.75/0.5 = 1.5 → 2, 1.3 → 3 → 1.5; −5 → −10+2 < 0 → clipped to 0 → −1; 200 → 402 → 255 → 126.5
    expect(y).toEqual([0, 0, 1, 1.5, -1, 126.5]);
  });

  // Random-weight models only: deep ones (the MobileNetV2 test model) amplify one-step rounding differences
  // chaotically, so they are checked trained, in lib/pipeline/int8-fidelity.int.test.ts.
  it.each([
    ["bench-cnn", () => zooModel("bench-cnn")],
    ["ResNet blocks", () => zooModel("resnet", [16, 16, 3], { depth: 1, width: 0.5 })],
  ] as const)("%s: ORT INT8 agrees with the simulation of its own quantization; a wrong simulation does not", async (_, build) => {
    const raw = build();
    randomizeWeights(raw, 21);
    const { model } = await foldBatchNorm(raw);
    raw.dispose();
    const [, h, w, c] = model.inputs[0].shape as number[];
    const quantization = await calibrate(model, randomImages(64, h, w, c, 2), { method: "minmax" });
    const { bytes, plan } = exportOnnxWithPlan(model, { precision: "int8", quantization });
    expect(plan!.activations.size).toBeGreaterThan(1);
    expect(simulationProblem(model, plan!)).toBeNull();
    const n = 100;
    const images = randomImages(n, h, w, c, 3);
    const before = tf.memory().numTensors;
    const ok = await verifyInt8(model, bytes, plan!, images, [n, h, w, c]);
    expect(tf.memory().numTensors).toBe(before);
    expect(ok.top1Agreement).toBeGreaterThanOrEqual(INT8_MIN_AGREEMENT);
    // Random models on random images barely change their top-1 class under any noise, so the logits tell
    // here: the simulation is several times closer to ORT than the float model is (what is left: float
    // summation order flipping values that sit on a rounding boundary), and a wrong one (grids 8× too fine,
    // saturating) is not. Top-1 failures are shown on a trained model in lib/pipeline/int8-fidelity.int.test.ts.
    const fp32 = await compareOnnx(model, bytes, images, [n, h, w, c]);
    expect(ok.meanAbsDiff).toBeLessThan(fp32.meanAbsDiff / 3);
    const wrong = await compareInt8(model, bytes, scaled(plan!, 1 / 8), images, [n, h, w, c]);
    expect(wrong.meanAbsDiff).toBeGreaterThan(fp32.meanAbsDiff);
    model.dispose();
  });

  it("a corrupted scale in the export moves ORT away from the simulation", async () => {
    const raw = zooModel("bench-cnn");
    randomizeWeights(raw, 5);
    const { model } = await foldBatchNorm(raw);
    raw.dispose();
    const quantization = await calibrate(model, randomImages(64, 28, 28, 1, 2), { method: "minmax" });
    const { bytes: good, plan } = exportOnnxWithPlan(model, { precision: "int8", quantization });
    // The file is written with every range 8× too narrow; the simulation keeps the ranges it was told about.
    const corrupted = Object.fromEntries(Object.entries(quantization.activationRanges).map(([k, r]) => [k, { min: r.min / 8, max: r.max / 8 }]));
    const { bytes: bad } = exportOnnxWithPlan(model, { precision: "int8", quantization: { ...quantization, activationRanges: corrupted } });
    const n = 50;
    const images = randomImages(n, 28, 28, 1, 3);
    const ok = await compareInt8(model, good, plan!, images, [n, 28, 28, 1]);
    const broken = await compareInt8(model, bad, plan!, images, [n, 28, 28, 1]);
    expect(broken.meanAbsDiff).toBeGreaterThan(ok.meanAbsDiff * 100);
    model.dispose();
  });

  it("refuses a model whose BatchNorms only the export would fold", async () => {
    const model = zooModel("bench-cnn");
    const quantization = await calibrate(model, randomImages(4, 28, 28, 1, 2), { method: "minmax" });
    const { plan } = exportOnnxWithPlan(model, { precision: "int8", quantization });
    expect(simulationProblem(model, plan!)).toMatch(/BatchNorm/);
  });
});
