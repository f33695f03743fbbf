import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { splitAsFloat } from "../ml/tensors";
import { exportOnnx } from "../onnx/export";
import { evaluateOnnx } from "../onnx/session";
import { classifierObjective, fineTune } from "./fine-tune";
import { kernelLayers, kernelVariable } from "./model-graph";
import { quantize } from "./quantize";
import { QuantizeParams } from "./quantize.schema";
import { data, liveTensors, testContext, tinyModel, weightTensors, testBackend } from "./test-util";
import { reductionAxes } from "./fake-quant";

let trained: tf.LayersModel;

beforeAll(async () => {
  await testBackend();
  // A briefly trained model: quantizing random weights says little about accuracy.
  trained = tinyModel("mobilenet-v2", 4, 0.5);
  const { ctx } = testContext(trained, { training: { epochs: 1, batchSize: 32, learningRate: 0.01, optimizer: "adam" } });
  await fineTune(ctx, { ...classifierObjective(trained), record: false });
}, 120_000);

/** Largest number of distinct values in any output channel of any kernel. */
function maxDistinctPerChannel(model: tf.LayersModel): number {
  let most = 0;
  for (const layer of kernelLayers(model)) {
    const v = kernelVariable(layer)!;
    const values = v.dataSync();
    const reduced = new Set(reductionAxes(layer.getClassName()));
    const channels = v.shape.filter((_, i) => !reduced.has(i)).reduce((a, b) => a * b, 1);
    const perChannel = Array.from({ length: channels }, () => new Set<number>());
    for (let i = 0; i < values.length; i++) perChannel[i % channels].add(values[i]);
    most = Math.max(most, ...perChannel.map((s) => s.size));
  }
  return most;
}

/** Weights that are not k·max|w_c|/127 for an integer k in [−127, 127] (per output channel c). */
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
      const k = maxAbs[i % channels] ? (values[i] / maxAbs[i % channels]) * 127 : 0;
      if (Math.abs(k - Math.round(k)) > 1e-3) off++;
    }
  }
  return off;
}

describe("quantize", () => {
  for (const mode of ["ptq", "qat"] as const) {
    it(`${mode}: kernels on the int8 grid (≤ 256 values per channel), BN folded, INT8 ONNX scores like tfjs`, async () => {
      const { ctx } = testContext(trained, { training: { epochs: 1, batchSize: 32, learningRate: 0.001, optimizer: "adam" } });
      const before = liveTensors();
      const result = await quantize.apply(trained, QuantizeParams.parse({ mode, calibrationImages: 64, calibration: mode === "ptq" ? "percentile" : "minmax" }), ctx);
      expect(liveTensors() - before).toBe(weightTensors(result.model));
      expect(result.precision).toBe("int8");
      expect(result.model.layers.some((l) => l.getClassName() === "BatchNormalization")).toBe(false);
      expect(maxDistinctPerChannel(result.model)).toBeLessThanOrEqual(256);
      expect(offGrid(result.model)).toBe(0); // every weight is an integer multiple of its channel's scale
      expect(offGrid(trained)).toBeGreaterThan(0); // the float input is untouched
      const ranges = Object.values(result.quantization!.activationRanges);
      expect(ranges.length).toBeGreaterThan(10);
      expect(ranges.every((r) => Number.isFinite(r.min) && Number.isFinite(r.max))).toBe(true);
      expect(result.quantization!.method).toBe(mode === "qat" ? "qat" : "percentile");

      const test = splitAsFloat(data.test);
      const tfjsAcc = await evaluateOnnx(exportOnnx(result.model, { precision: "fp32" }), test.images, test.shape, data.test.labels);
      const int8 = await evaluateOnnx(exportOnnx(result.model, { precision: "int8", quantization: result.quantization }), test.images, test.shape, data.test.labels);
      expect(int8.logits.every(Number.isFinite)).toBe(true);
      expect(int8.accuracy).toBeGreaterThanOrEqual(tfjsAcc.accuracy - 0.1);
      result.model.dispose();
    });
  }
});
