// The INT8 export check on a weakly trained MobileNetV2 student (real Fashion-MNIST, 1,280 training images,
// 40 steps, raw top-1 agreement 98.0 %, which failed before): ORT's integer kernels and the float simulation differ by requantization rounding, which flips the
// top-1 class only on images whose simulated margin is within that noise. Those flips are counted as near-ties;
// a file written with a corrupted scale flips images with clear margins and still fails.
import { existsSync } from "node:fs";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { foldBatchNorm } from "../compress/model-graph";
import { calibrationImages, snapKernels } from "../compress/quantize";
import { setupBackend } from "../ml/backend";
import { loadFashionMnist } from "../ml/data/fashion-mnist";
import { subset } from "../ml/data/subset";
import { buildModel } from "../ml/models/zoo";
import { splitAsFloat } from "../ml/tensors";
import { train } from "../ml/train";
import { calibrate } from "./calibrate";
import { exportOnnxWithPlan, type QuantizationPlan } from "./export";
import { int8WeightMax } from "./int8-weight-range";
import { compareInt8, INT8_MIN_AGREEMENT, OnnxVerificationError, verifyInt8 } from "./verify";

const DIR = "/usr/share/datasets/fashion-mnist";
let model: tf.LayersModel;

describe.skipIf(!existsSync(DIR))("INT8 check on a weakly trained MobileNetV2 student", () => {
  beforeAll(async () => {
    await setupBackend();
    const data = loadFashionMnist(DIR);
    const raw = buildModel("mobilenet-v2", { inputShape: [28, 28, 1], numClasses: 10, width: 0.35, seed: 3 });
    await train(raw, subset(data.train, 1_280, 1), subset(data.test, 200, 2), { epochs: 1, batchSize: 32, learningRate: 0.01, optimizer: "adam", seed: 1, numClasses: 10, maxSteps: 40 });
    model = (await foldBatchNorm(raw)).model;
    raw.dispose();
    snapKernels(model);
  }, 120_000);
  afterAll(() => model?.dispose());

  it("passes with near-tie flips counted, fails on a corrupted scale and on a wrong simulation", async () => {
    const data = loadFashionMnist(DIR);
    const quantization = await calibrate(model, calibrationImages(data.train, 256, 5), { method: "minmax" });
    const { bytes, plan } = exportOnnxWithPlan(model, { precision: "int8", quantization });
    const { images, shape } = splitAsFloat(data.test, 1_000);
    const ok = await verifyInt8(model, bytes, plan!, images, shape);
    console.log(`near-ties: raw agreement ${ok.top1Agreement}, beyond ties ${ok.agreementBeyondTies}, ${ok.nearTieFlips} near-tie flips below ${ok.nearTieBound}, max |diff| ${ok.maxAbsDiff}`);
    // The raw agreement is what failed this student before near-ties were counted (98.0 % with 8-bit weights;
    // 99.2 % with this host's 7-bit ones, lib/onnx/int8-weight-range.ts): flips below the bound are what is excused.
    if (int8WeightMax() === 127) expect(ok.top1Agreement).toBeLessThan(INT8_MIN_AGREEMENT);
    expect(ok.nearTieFlips!).toBeGreaterThan(0);
    expect(ok.agreementBeyondTies).toBeGreaterThanOrEqual(INT8_MIN_AGREEMENT);
    // Every flip excused is one whose margin is below the bound, and the bound is small against a typical margin.
    expect(ok.nearTieBound!).toBeGreaterThan(0);
    expect(ok.agreementBeyondTies! - ok.top1Agreement).toBeCloseTo(ok.nearTieFlips! / ok.n, 10);

    const narrow = Object.fromEntries(Object.entries(quantization.activationRanges).map(([k, r]) => [k, { min: r.min / 8, max: r.max / 8 }]));
    const corrupted = exportOnnxWithPlan(model, { precision: "int8", quantization: { ...quantization, activationRanges: narrow } }).bytes;
    await expect(verifyInt8(model, corrupted, plan!, images, shape)).rejects.toThrow(OnnxVerificationError);
    const wrongPlan: QuantizationPlan = { ...plan!, activations: new Map([...plan!.activations].map(([k, qp]) => [k, { ...qp, scale: qp.scale / 8 }])) };
    const wrong = await compareInt8(model, bytes, wrongPlan, images, shape);
    expect(wrong.agreementBeyondTies!).toBeLessThan(INT8_MIN_AGREEMENT);
  }, 60_000);
});
