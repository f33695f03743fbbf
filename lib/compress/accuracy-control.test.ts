import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { exportOnnxWithPlan } from "../onnx/export";
import { verifyInt8 } from "../onnx/verify";
import { classifierObjective, fineTune } from "./fine-tune";
import { kernelVariable, weightVariable } from "./model-graph";
import { quantize, validationSet } from "./quantize";
import { QuantizeParams } from "./quantize.schema";
import { scoreModel } from "./sensitivity/evaluate-onnx-split";
import { data, liveTensors, testBackend, testContext, weightTensors } from "./test-util";

/**
 * A fixture INT8 hurts in one place: a trained conv net whose first conv has one channel with a huge bias (+1000)
 * that the second conv ignores (its weights from that channel are 0). The float model does not notice; the
 * all-INT8 model quantizes conv_a's output per tensor over [0, 1000], which rounds every real activation to a
 * few levels. Leaving conv_b (the one layer reading that tensor) FP32 is the repair.
 */
function fixture(): tf.LayersModel {
  const input = tf.input({ shape: data.train.shape, name: "input" });
  const a = tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: "same", activation: "relu", name: "conv_a", kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(input);
  const b = tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: "same", activation: "relu", name: "conv_b", kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }).apply(a);
  const pooled = tf.layers.flatten({ name: "flatten" }).apply(b); // the classes differ by position: keep it
  const logits = tf.layers.dense({ units: 4, name: "logits", kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }).apply(pooled) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits, name: "int8-trap" });
}

const ptq = (extra: Record<string, unknown> = {}) => QuantizeParams.parse({ mode: "ptq", calibrationImages: 64, ...extra });

describe("quantize with maxAccuracyDrop (mixed precision)", () => {
  let model: tf.LayersModel;
  let floatAccuracy: number;
  beforeAll(async () => {
    await testBackend();
    model = fixture();
    const { ctx } = testContext(model, { training: { epochs: 6, batchSize: 32, learningRate: 0.01, optimizer: "adam" } });
    // conv_b never reads conv_a's channel 0 (its weights from it held at 0 while training), so the trap set on that
    // channel afterwards leaves the float model's answers exactly as trained.
    const k = kernelVariable(model.getLayer("conv_b"))!; // [3, 3, 8 in, 8 out]
    const ignoreChannel0 = tf.concat([tf.zeros([3, 3, 1, 8]), tf.ones([3, 3, 7, 8])], 2);
    const mask = () => tf.tidy(() => void k.assign(tf.mul(k, ignoreChannel0)));
    mask();
    await fineTune(ctx, { ...classifierObjective(model), record: false, afterStep: mask });
    ignoreChannel0.dispose();
    tf.tidy(() => {
      const bias = weightVariable(model.getLayer("conv_a"), "bias")!;
      bias.assign(tf.concat([tf.tensor1d([1000]), bias.slice([1], [7])]));
    });
    floatAccuracy = (await scoreModel(model, { precision: "fp32" }, validationSet(testContext(model).ctx))).accuracy;
  }, 120_000);

  it("all-INT8 misses a 2 pp budget on the fixture; with maxAccuracyDrop 2 the exported INT8 file meets it", async () => {
    const { ctx, lines } = testContext(model);
    const val = validationSet(ctx);
    expect(floatAccuracy).toBeGreaterThan(0.9);

    const plain = await quantize.apply(model, ptq(), ctx);
    const allInt8 = (await scoreModel(plain.model, { precision: "int8", quantization: plain.quantization }, val)).accuracy;
    plain.model.dispose();
    console.log(`accuracy control fixture: float ${floatAccuracy}, all-INT8 ${allInt8}`);
    expect(floatAccuracy - allInt8).toBeGreaterThan(0.02);

    const before = liveTensors();
    const mixed = await quantize.apply(model, ptq({ maxAccuracyDrop: 2 }), ctx);
    expect(liveTensors() - before).toBe(weightTensors(mixed.model));
    const report = mixed.details!.accuracyControl as { withinBudget: boolean; allInt8Accuracy: number; fp32Layers: { layer: string; costAlonePp: number }[] };
    expect(report.allInt8Accuracy).toBeCloseTo(allInt8, 6);
    expect(report.withinBudget).toBe(true);
    // The layer reading the trapped tensor is the one that costs most, and reverting it is enough.
    expect(report.fp32Layers.map((l) => l.layer)).toEqual(["conv_b"]);
    expect(report.fp32Layers[0].costAlonePp).toBeGreaterThan(2);
    expect(mixed.quantization!.fp32Layers).toEqual(["conv_b"]);
    expect(lines.some((l) => l.includes("left FP32"))).toBe(true);

    // Measured independently on the file the stage exports: within budget, and it verifies against the tfjs
    // simulation as measure-stage requires.
    const accuracy = (await scoreModel(mixed.model, { precision: "int8", quantization: mixed.quantization }, val)).accuracy;
    expect(floatAccuracy - accuracy).toBeLessThanOrEqual(0.02);
    const { bytes, plan } = exportOnnxWithPlan(mixed.model, { precision: "int8", quantization: mixed.quantization });
    const check = await verifyInt8(mixed.model, bytes, plan!, val.images, val.shape);
    expect(check.top1Agreement).toBeGreaterThanOrEqual(0.99);
    mixed.model.dispose();
  });

  it("leaves every layer INT8 when all-INT8 is already within budget", async () => {
    const { ctx } = testContext(model);
    const result = await quantize.apply(model, ptq({ maxAccuracyDrop: 100 }), ctx);
    const report = result.details!.accuracyControl as { withinBudget: boolean; fp32Layers: unknown[] };
    expect(report.withinBudget).toBe(true);
    expect(report.fp32Layers).toEqual([]);
    expect(result.quantization!.fp32Layers).toBeUndefined();
    result.model.dispose();
  });
});
