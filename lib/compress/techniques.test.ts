// One conformance suite over every technique: schema defaults round-trip, check() accepts the zoo, a cancelled
// run stops at once with TrainingCancelled, leaves no tensor behind and never touches the input model.
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { TrainingCancelled } from "../ml/train";
import { techniqueByName, techniques } from "./index";
import { liveTensors, testBackend, testContext, tinyModel } from "./test-util";

beforeAll(async () => {
  await testBackend();
});

describe.each(techniques.map((t) => t.name))("%s", (name) => {
  const technique = techniqueByName(name);
  it("is found by name and its defaults round-trip through JSON", () => {
    expect(techniques.map((t) => t.name)).toContain(name);
    const defaults = technique.configSchema.parse({});
    expect(technique.configSchema.parse(JSON.parse(JSON.stringify(defaults)))).toEqual(defaults);
  });

  it("accepts the zoo architectures", () => {
    for (const arch of ["bench-cnn", "small-cnn", "mobilenet-v2", "resnet"] as const) {
      const model = tinyModel(arch);
      expect(technique.check?.(model, technique.configSchema.parse({})) ?? null).toBeNull();
      model.dispose();
    }
  });

  it("stops with TrainingCancelled when cancelled, leaking nothing and leaving the input intact", async () => {
    const input = tinyModel("bench-cnn");
    const controller = new AbortController();
    controller.abort();
    const { ctx } = testContext(input, { signal: controller.signal });
    const weights = input.getWeights().map((w) => w.dataSync().slice());
    const before = liveTensors();
    await expect(technique.apply(input, technique.configSchema.parse({}), ctx)).rejects.toBeInstanceOf(TrainingCancelled);
    expect(liveTensors()).toBe(before);
    input.getWeights().forEach((w, i) => expect(w.dataSync()).toEqual(weights[i]));
    input.dispose();
  });
});

it("techniqueByName names the known techniques when it fails", () => {
  expect(() => techniqueByName("sparsify")).toThrow(/distill, prune, quantize, cluster, nas/);
  expect(tf.memory().numTensors).toBeGreaterThanOrEqual(0);
});
