// The TF.js Layers upload path on the committed fixtures (test/fixtures/models/make-tfjs-fixture.ts): the zip loads
// into the same trained model, its ONNX export computes the same in onnxruntime-node, and what cannot be handled
// (a nested model, an unknown layer class, a zip bomb, a missing shard) is refused naming the problem.
import { readFileSync } from "node:fs";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { strToU8, unzipSync, zipSync } from "fflate";
import { beforeAll, describe, expect, it } from "vitest";
import { readIdxSplit } from "../ml/data/fashion-mnist";
import { splitAsFloat } from "../ml/tensors";
import { compareWithOrt } from "../onnx/import/compare-with-ort";
import { openModel } from "./open-model";
import { isZip } from "./model-format";
import { loadTfjsZip, TfjsModelError } from "./tfjs-zip";

const fixture = (name: string) => new Uint8Array(readFileSync(path.join(process.cwd(), "test", "fixtures", "models", name)));
const limits = { maxEntries: 16, maxUnpackedBytes: 1 << 20 };

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("TF.js Layers model zip", () => {
  it("loads the Keras-style fixture: trained, functional, and its ONNX export equals it in onnxruntime", async () => {
    const bytes = fixture("tfjs-fmnist.zip");
    expect(isZip(bytes)).toBe(true);
    const before = tf.memory().numTensors;
    const opened = await openModel(bytes);
    expect(opened).toMatchObject({ format: "tfjs", inputShape: [28, 28, 1], numClasses: 10 });
    expect(opened.operators).toMatchObject({ Conv2D: 3, BatchNormalization: 1, Add: 1, Dense: 1 });
    const test = readIdxSplit("/usr/share/datasets/fashion-mnist", "t10k");
    const { images, shape } = splitAsFloat(test, 200);
    const check = await compareWithOrt(opened.model, opened.reference(), images, shape);
    expect(check.passed).toBe(true);
    const predicted = tf.tidy(() => (opened.model.predict(tf.tensor4d(images, shape)) as tf.Tensor).argMax(-1).dataSync());
    const correct = Array.from(predicted).filter((p, i) => p === test.labels[i]).length;
    expect(correct / shape[0]).toBeGreaterThan(0.6); // trained by the script; chance is 0.1
    expect(opened.model.trainableWeights.length).toBeGreaterThan(0);
    opened.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("refuses a nested model and an unknown layer class, naming the layer", async () => {
    await expect(loadTfjsZip(fixture("unsupported-tfjs.zip"), limits)).rejects.toThrow(/unsupported layer nested_block \(Sequential\): a nested model/);
    const files = unzipSync(fixture("tfjs-fmnist.zip"));
    const json = JSON.parse(new TextDecoder().decode(files["model.json"]));
    json.modelTopology.config.layers[1].class_name = "Conv3D";
    const edited = zipSync({ ...files, "model.json": strToU8(JSON.stringify(json)) });
    await expect(loadTfjsZip(edited, limits)).rejects.toThrow(/unsupported layer stem \(Conv3D\)/);
  });

  it("bounds entries and unpacked size, and names a missing shard", async () => {
    const files = unzipSync(fixture("tfjs-fmnist.zip"));
    const many = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`junk/${i}.txt`, strToU8("x")]));
    await expect(loadTfjsZip(zipSync({ ...files, ...many }), limits)).rejects.toThrow(/more than 16 entries/);
    await expect(loadTfjsZip(zipSync({ ...files, "pad.bin": new Uint8Array(2 << 20) }), limits)).rejects.toThrow(TfjsModelError);
    await expect(loadTfjsZip(zipSync({ "model.json": files["model.json"] }), limits)).rejects.toThrow(/weight shard "group1-shard1of1.bin".*not in the zip/);
    await expect(loadTfjsZip(zipSync({ "a.txt": strToU8("hi") }), limits)).rejects.toThrow(/no model.json/);
  });
});
