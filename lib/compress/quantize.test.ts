import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { splitAsFloat } from "../ml/tensors";
import { exportOnnx } from "../onnx/export";
import type { QuantizationParams } from "../onnx/quantize";
import { compareOnnx, predictTfjs } from "../onnx/verify";
import { classifierObjective, fineTune } from "./fine-tune";
import { foldBatchNorm, kernelLayers, kernelVariable } from "./model-graph";
import { calibrate } from "../onnx/calibrate";
import { calibrationImages, quantize } from "./quantize";
import { QuantizeParams } from "./quantize.schema";
import { data, liveTensors, testContext, tinyModel, weightTensors, testBackend } from "./test-util";
import { reductionAxes } from "./fake-quant";
import { int8WeightMax } from "../onnx/int8-weight-range";

let trained: tf.LayersModel;

beforeAll(async () => {
  await testBackend();
  // A trained model: quantizing random (or chance-level) weights says nothing about accuracy. bench-cnn's BatchNorm
  // moving statistics need 4 epochs here before inference mode leaves chance level (measured: 0.25 until epoch 4).
  trained = tinyModel("bench-cnn", 4);
  const { ctx } = testContext(trained, { training: { epochs: 4, batchSize: 32, learningRate: 0.01, optimizer: "adam" } });
  await fineTune(ctx, { ...classifierObjective(trained), record: false });
}, 120_000);

/** Per output channel: how far each weight is from `reference`, in units of half its int8 step (max|ref_c|/qmax/2).
 *  At most 1 when the weights are the reference rounded to its grid. */
function gridError(model: tf.LayersModel, reference: Float32Array[]): number {
  let worst = 0;
  kernelLayers(model).forEach((layer, k) => {
    const v = kernelVariable(layer)!;
    const values = v.dataSync();
    const ref = reference[k];
    const reduced = new Set(reductionAxes(layer.getClassName()));
    const channels = v.shape.filter((_, i) => !reduced.has(i)).reduce((a, b) => a * b, 1);
    const maxAbs = new Float64Array(channels);
    for (let i = 0; i < ref.length; i++) maxAbs[i % channels] = Math.max(maxAbs[i % channels], Math.abs(ref[i]));
    for (let i = 0; i < values.length; i++) {
      const halfStep = (maxAbs[i % channels] || 1) / int8WeightMax() / 2;
      worst = Math.max(worst, Math.abs(values[i] - ref[i]) / halfStep);
    }
  });
  return worst;
}

const meanAbs = (x: Float32Array) => x.reduce((a, v) => a + Math.abs(v), 0) / x.length;

const kernelsOf = (m: tf.LayersModel) => kernelLayers(m).map((l) => kernelVariable(l)!.dataSync().slice() as Float32Array);

/** Weights that are not k·max|w_c|/qmax for an integer k in [−qmax, qmax] (per output channel c). */
function offGrid(model: tf.LayersModel): number {
  let off = 0;
  for (const layer of kernelLayers(model)) {
    const v = kernelVariable(layer)!;
    const values = v.dataSync();
    const reduced = new Set(reductionAxes(layer.getClassName()));
    const channels = v.shape.filter((_, i) => !reduced.has(i)).reduce((a, b) => a * b, 1);
    const maxAbs = new Float64Array(channels);
    for (let i = 0; i < values.length; i++) maxAbs[i % channels] = Math.max(maxAbs[i % channels], Math.abs(values[i]));
    for (let i = 0; i < values.length; i++) {
      const k = maxAbs[i % channels] ? (values[i] / maxAbs[i % channels]) * int8WeightMax() : 0;
      if (Math.abs(k - Math.round(k)) > 1e-3) off++;
    }
  }
  return off;
}

describe("quantize", () => {
  // The float reference: the trained model with BatchNorm folded (what both modes put on the int8 grid).
  let folded: Float32Array[];
  // All 320 synthetic images for top-1 agreement (agreement needs no held-out data); accuracy on the test split only.
  const everything = {
    images: Float32Array.from([...splitAsFloat(data.train).images, ...splitAsFloat(data.test).images]),
    shape: [data.train.count + data.test.count, ...data.train.shape] as [number, number, number, number],
  };
  const test = splitAsFloat(data.test);
  // The activation ranges QAT starts from: minmax calibration of the folded float model on the stage's images.
  let startRanges: QuantizationParams["activationRanges"];
  beforeAll(async () => {
    const { model } = await foldBatchNorm(trained);
    folded = kernelsOf(model);
    startRanges = (await calibrate(model, calibrationImages(data.train, 64, testContext(trained).ctx.seed), { method: "minmax" })).activationRanges;
    model.dispose();
  });
  const results: Partial<Record<"ptq" | "qat", { kernels: Float32Array[]; quantization: QuantizationParams }>> = {};

  for (const mode of ["ptq", "qat"] as const) {
    it(`${mode}: kernels on the int8 grid, BN folded, INT8 ONNX agrees with the FP32 model`, async () => {
      const { ctx } = testContext(trained, { training: { epochs: 1, batchSize: 32, learningRate: 0.001, optimizer: "adam" } });
      const before = liveTensors();
      // minmax for both modes, so the QAT test below compares training, not calibration methods.
      const result = await quantize.apply(trained, QuantizeParams.parse({ mode, calibrationImages: 64, calibration: "minmax", ...(mode === "qat" ? { learningRate: 1e-3 } : {}) }), ctx);
      expect(liveTensors() - before).toBe(weightTensors(result.model));
      expect(result.precision).toBe("int8");
      expect(result.model.layers.some((l) => l.getClassName() === "BatchNormalization")).toBe(false);
      expect(offGrid(result.model)).toBe(0); // every weight is an integer multiple of its channel's scale
      expect(offGrid(trained)).toBeGreaterThan(0); // the float input is untouched
      // PTQ rounds each folded float weight to its nearest grid point (error ≤ half a step); QAT has trained them.
      if (mode === "ptq") expect(gridError(result.model, folded)).toBeLessThanOrEqual(1.001);
      const ranges = Object.values(result.quantization!.activationRanges);
      expect(ranges.length).toBeGreaterThan(10);
      expect(ranges.every((r) => Number.isFinite(r.min) && Number.isFinite(r.max) && r.max > r.min)).toBe(true);
      expect(result.quantization!.method).toBe(mode === "qat" ? "qat" : "minmax");

      // Against the FP32 model (the trained tfjs model, before quantization): the INT8 file must pick the same class
      // for nearly every image and score within 2 test images of it.
      const int8 = exportOnnx(result.model, { precision: "int8", quantization: result.quantization });
      const agreement = await compareOnnx(trained, int8, everything.images, everything.shape);
      const scored = await compareOnnx(trained, int8, test.images, test.shape, { labels: data.test.labels });
      console.log(`quantize ${mode}: top-1 agreement with FP32 ${agreement.top1Agreement}, accuracy FP32 ${scored.tfjsAccuracy} INT8 ${scored.onnxAccuracy}, mean |logit diff| ${agreement.meanAbsDiff.toFixed(4)} (mean |FP32 logit| ${meanAbs(predictTfjs(trained, everything.images, everything.shape)).toFixed(3)})`);
      expect(agreement.top1Agreement).toBeGreaterThanOrEqual(0.95);
      // PTQ changes nothing but rounding: its logits stay within 5 % of the FP32 logits' mean magnitude (measured
      // 0.008 against 2.5). A wrong weight or activation scale moves them by whole units while the easy synthetic
      // classes may still be told apart.
      if (mode === "ptq") expect(agreement.meanAbsDiff).toBeLessThanOrEqual(0.05 * meanAbs(predictTfjs(trained, everything.images, everything.shape)));
      expect(scored.tfjsAccuracy! - scored.onnxAccuracy!).toBeLessThanOrEqual(2 / data.test.count + 1e-9);
      results[mode] = { kernels: kernelsOf(result.model), quantization: result.quantization! };
      result.model.dispose();
    });
  }

  it("qat trains: its kernels differ from ptq's, and its activation ranges moved from where calibration put them", () => {
    const { ptq, qat } = results;
    expect(ptq && qat, "the ptq and qat tests above ran").toBeTruthy();
    const changedWeights = qat!.kernels.reduce((n, k, i) => n + k.reduce((m, v, j) => m + (v !== ptq!.kernels[i][j] ? 1 : 0), 0), 0);
    const total = qat!.kernels.reduce((n, k) => n + k.length, 0);
    expect(changedWeights / total).toBeGreaterThan(0.05);
    const moved = Object.entries(qat!.quantization.activationRanges).filter(([key, r]) => r.min !== startRanges[key].min || r.max !== startRanges[key].max);
    expect(moved.length).toBeGreaterThan(0); // the observed (non-fused) outputs; 6 of 13 ranges here
  });
});
