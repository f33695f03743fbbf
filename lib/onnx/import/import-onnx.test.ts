// The importer against onnxruntime-node on the committed PyTorch exports (test/fixtures/models/make_fixtures.py):
// same logits on real Fashion-MNIST test images, same weights, a trainable tfjs model, and a refusal that names
// the operator and the node.
import { readFileSync } from "node:fs";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { readIdxSplit } from "../../ml/data/fashion-mnist";
import { splitAsFloat } from "../../ml/tensors";
import { compareWithOrt } from "./compare-with-ort";
import { importOnnx, operatorCounts } from "./import-onnx";
import { UnsupportedOperatorError } from "./unsupported";

const fixture = (name: string) => new Uint8Array(readFileSync(path.join(process.cwd(), "test", "fixtures", "models", name)));
const IMAGES = 300;

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("ONNX import", () => {
  const test = readIdxSplit("/usr/share/datasets/fashion-mnist", "t10k");
  const { images, shape } = splitAsFloat(test, IMAGES);

  for (const [file, opset, ops] of [
    ["resnet-fmnist.onnx", 13, ["Conv", "BatchNormalization", "Add", "GlobalAveragePool", "Gemm"]],
    ["mobilenet-fmnist.onnx", 17, ["Conv", "Clip", "Add", "Sigmoid", "Mul", "Reshape", "Gemm"]],
  ] as const) {
    it(`${file} (opset ${opset}) computes what onnxruntime computes on ${IMAGES} Fashion-MNIST test images`, async () => {
      const before = tf.memory().numTensors;
      const bytes = fixture(file);
      const { model, graph, inputShape, numClasses } = importOnnx(bytes);
      expect(graph.opset).toBe(opset);
      expect(Object.keys(operatorCounts(graph))).toEqual(expect.arrayContaining([...ops]));
      expect(inputShape).toEqual([28, 28, 1]);
      expect(numClasses).toBe(10);
      const check = await compareWithOrt(model, bytes, images, shape);
      expect(check.maxAbsDiff).toBeLessThanOrEqual(1e-4);
      expect(check.top1Agreement).toBe(1);
      expect(check.passed).toBe(true);
      // The model is a trained one (≥ 70 % on these images, chance is 10 %), and every weight is trainable.
      const logits = tf.tidy(() => (model.predict(tf.tensor4d(images, shape)) as tf.Tensor).argMax(-1).dataSync());
      const correct = Array.from(logits).filter((p, i) => p === test.labels[i]).length;
      expect(correct / IMAGES).toBeGreaterThan(0.7);
      expect(model.trainableWeights.length).toBeGreaterThan(0);
      model.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it("uses the zoo's layer types: depthwise Conv with groups becomes DepthwiseConv2D", () => {
    const { model } = importOnnx(fixture("mobilenet-fmnist.onnx"));
    const classes = new Set(model.layers.map((l) => l.getClassName()));
    expect([...classes]).toEqual(expect.arrayContaining(["Conv2D", "DepthwiseConv2D", "BatchNormalization", "ReLU", "Add", "Multiply", "GlobalAveragePooling2D", "Dense"]));
    model.dispose();
  });

  it("refuses an unsupported operator, naming it and its node", () => {
    const before = tf.memory().numTensors;
    expect(() => importOnnx(fixture("unsupported-resize.onnx"))).toThrow(UnsupportedOperatorError);
    expect(() => importOnnx(fixture("unsupported-resize.onnx"))).toThrow(/unsupported operator Resize \(node "\/up\/Resize"\)/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("refuses bytes that are not ONNX", () => {
    expect(() => importOnnx(new TextEncoder().encode("not a model at all"))).toThrow(/not an ONNX model/);
  });
});
