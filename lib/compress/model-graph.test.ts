import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadModel, saveModel } from "../ml/model-io";
import { randomizeWeights } from "../onnx/test-models";
import { cloneModel, foldBatchNorm, runGraph } from "./model-graph";
import { liveTensors, testBackend, tinyModel } from "./test-util";

beforeAll(async () => {
  await testBackend();
});

const x = () => tf.randomUniform([3, 16, 16, 1], 0, 1, "float32", 4);
const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

describe.each(["mobilenet-v2", "resnet"] as const)("%s", (arch) => {
  it("cloneModel, foldBatchNorm and runGraph all compute what model.predict does", async () => {
    const model = tinyModel(arch, 2);
    randomizeWeights(model, 3); // non-trivial BN statistics, so a wrong fold shows
    const before = liveTensors();
    const clone = await cloneModel(model);
    const { model: folded, folded: count } = await foldBatchNorm(model);
    expect(count).toBe(model.layers.filter((l) => l.getClassName() === "BatchNormalization").length);
    expect(folded.layers.some((l) => l.getClassName() === "BatchNormalization")).toBe(false);
    const input = x();
    const diffs = tf.tidy(() => {
      const ref = model.predict(input) as tf.Tensor;
      const scale = tf.max(tf.abs(ref)).dataSync()[0];
      return [clone.predict(input), folded.predict(input), runGraph(model, input, false)].map((y) => maxDiff(y as tf.Tensor, ref) / scale);
    });
    diffs.forEach((d) => expect(d).toBeLessThan(1e-4));
    input.dispose();
    expect(liveTensors() - before).toBe(clone.weights.length + folded.weights.length);
    tf.dispose([clone, folded].map((m) => (m.dispose(), [])).flat());
    model.dispose();
  });
});

it("a rebuilt model (duplicate layer names in the process) survives saveModel/loadModel, as the stage runner uses it", async () => {
  const model = tinyModel("mobilenet-v2", 6);
  randomizeWeights(model, 5);
  const { model: folded } = await foldBatchNorm(model);
  const dir = mkdtempSync(path.join(os.tmpdir(), "compress-io-"));
  try {
    await saveModel(folded, dir);
    const loaded = await loadModel(dir);
    const input = x();
    const d = tf.tidy(() => maxDiff(loaded.predict(input) as tf.Tensor, folded.predict(input) as tf.Tensor));
    expect(d).toBe(0);
    tf.dispose(input);
    loaded.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
    folded.dispose();
    model.dispose();
  }
});
