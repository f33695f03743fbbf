import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { buildModel } from "../ml/models/zoo";
import { checkOnnx, findOnnxPython } from "./checker";
import { exportOnnx } from "./export";
import { decodeModel } from "./proto";
import { miscOps, plainCnn, randomImages, randomizeWeights, zooModel } from "./test-models";
import { compareOnnx, verifyOnnx, OnnxVerificationError } from "./verify";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const N = 24;

async function parity(model: tf.LayersModel, seed = 11) {
  const [, h, w, c] = model.inputs[0].shape as number[];
  const bytes = exportOnnx(model, { precision: "fp32" });
  const r = await compareOnnx(model, bytes, randomImages(N, h, w, c, seed), [N, h, w, c]);
  return { bytes, r, h, w, c };
}

const architectures: [string, () => tf.LayersModel][] = [
  ["plain CNN with flatten + dense", () => plainCnn()],
  ["bench-cnn", () => zooModel("bench-cnn")],
  ["MobileNetV2 inverted residuals (ReLU6, add)", () => zooModel("mobilenet-v2", [24, 24, 3], { width: 0.5 })],
  ["ResNet basic blocks", () => zooModel("resnet", [16, 16, 3], { depth: 1 })],
  ["pad / dilation / separable / pools / concat / SE multiply / reshape / BN", () => miscOps([15, 15, 4], 6, "linear")],
];

describe("FP32 export matches tfjs in onnxruntime-node", () => {
  it.each(architectures)("%s", async (_, build) => {
    const model = build();
    randomizeWeights(model, 3);
    const before = tf.memory().numTensors;
    const { bytes, r, h, w, c } = await parity(model);
    expect(tf.memory().numTensors).toBe(before);
    expect(r.maxAbsDiff).toBeLessThanOrEqual(1e-3);
    expect(r.top1Agreement).toBe(1);
    const m = decodeModel(bytes);
    expect(m.opset).toBeGreaterThanOrEqual(13);
    expect(m.inputs).toEqual([{ name: "input", dims: ["batch", c, h, w] }]);
    expect(m.outputs[0].name).toBe("logits");
  });

  it("folds BatchNormalization into the preceding convolution and keeps a standalone one", async () => {
    const bench = decodeModel(exportOnnx(zooModel("bench-cnn"), { precision: "fp32" }));
    expect(bench.nodes.filter((n) => n.opType === "BatchNormalization")).toHaveLength(0);
    expect(bench.nodes.filter((n) => n.opType === "Conv").map((n) => n.attributes.group)).toEqual([1, 1, 32, 1, 1]);
    const misc = decodeModel(exportOnnx(miscOps(), { precision: "fp32" }));
    expect(misc.nodes.filter((n) => n.opType === "BatchNormalization")).toHaveLength(1); // after the concat
  });

  it("names a final softmax output 'probabilities' and matches it", async () => {
    const model = miscOps([15, 15, 4], 6, "softmax");
    randomizeWeights(model, 5);
    const { bytes, r } = await parity(model);
    expect(decodeModel(bytes).outputs[0].name).toBe("probabilities");
    expect(r.maxAbsDiff).toBeLessThanOrEqual(1e-5);
  });

  it.each(["bench-cnn", "small-cnn", "mobilenet-v2", "resnet"] as const)("zoo architecture %s", async (arch) => {
    const model = buildModel(arch, { inputShape: [28, 28, 1], numClasses: 10, width: 0.5, depth: 1 });
    randomizeWeights(model, 9);
    const { bytes, r } = await parity(model);
    expect(r.maxAbsDiff).toBeLessThanOrEqual(1e-3);
    expect(r.top1Agreement).toBe(1);
    expect(checkOnnx(bytes)).toMatchObject({ ok: true });
  });

  it("refuses unsupported layers with the layer's name", () => {
    const x = tf.input({ shape: [8, 8, 2] });
    const y = tf.layers.upSampling2d({ size: [2, 2], name: "up" }).apply(x) as tf.SymbolicTensor;
    const model = tf.model({ inputs: x, outputs: y });
    expect(() => exportOnnx(model, { precision: "fp32" })).toThrow(/layer up \(UpSampling2D\) is not supported/);
  });
});

describe("verification fails loudly", () => {
  it("throws when the ONNX file no longer matches the model", async () => {
    const model = plainCnn();
    randomizeWeights(model, 1);
    const bytes = exportOnnx(model, { precision: "fp32" });
    randomizeWeights(model, 2); // the model changed after export
    const imgs = randomImages(8, 12, 12, 3);
    await expect(verifyOnnx(model, bytes, imgs, [8, 12, 12, 3])).rejects.toThrow(OnnxVerificationError);
    await expect(verifyOnnx(model, bytes, imgs, [8, 12, 12, 3])).rejects.toThrow(/max \|logit diff\|/);
  });
});

describe.runIf(findOnnxPython())("official ONNX checker (full_check)", () => {
  it.each(architectures)("%s", (_, build) => {
    const model = build();
    randomizeWeights(model, 4);
    expect(checkOnnx(exportOnnx(model, { precision: "fp32" }))).toMatchObject({ ok: true });
  });

  it("rejects a broken file (the check can fail)", () => {
    const bytes = exportOnnx(plainCnn(), { precision: "fp32" });
    const m = decodeModel(bytes);
    expect(m.nodes.length).toBeGreaterThan(0);
    expect(checkOnnx(bytes.subarray(0, bytes.length - 100)).ok).toBe(false);
  });
});
