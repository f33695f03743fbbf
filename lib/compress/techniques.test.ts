// One conformance suite over every technique (lib/compress/index.ts): schema defaults round-trip, check() accepts
// the zoo, a successful apply returns a working model and leaves the input and the tensor count alone, and a
// cancellation — before apply and in the middle of training — stops it with TrainingCancelled, leaking nothing.
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { splitAsFloat } from "../ml/tensors";
import { TrainingCancelled } from "../ml/train";
import { techniqueByName, techniques, type TechniqueName, type TechniqueProgress } from "./index";
import { data, liveTensors, testBackend, testContext, tinyModel, weightTensors } from "./test-util";

beforeAll(async () => {
  await testBackend();
});

/**
 * Small configurations that train (quantize: QAT, the mode with a training loop), so the suite stays quick. The
 * Record type makes a technique added to the list without an entry here a type error, not a silent gap.
 */
const quick: Record<TechniqueName, Record<string, unknown>> = {
  distill: { student: "input" }, // the student is a copy of the input: the case most likely to mutate it
  prune: { schedule: { frequency: 4 } },
  quantize: { mode: "qat", calibrationImages: 32 },
  cluster: { clusters: 8 },
  nas: { candidates: 2, proxyImages: 100, widths: [0.35, 0.5], depths: [1], kernels: [3], expansions: [2] },
  auto: { students: 1, widths: [0.35], depths: [1], expansions: [2], sparsitySteps: 1, calibrationImages: 32 },
  analyze: { images: 50, calibrationImages: 16, sparsities: [0.5], channelFractions: [0.5], timingRuns: 20 },
};

const weightsOf = (m: tf.LayersModel) => m.getWeights().map((w) => w.dataSync().slice());
function expectSameWeights(m: tf.LayersModel, saved: ReturnType<typeof weightsOf>) {
  const now = weightsOf(m);
  expect(now.length).toBe(saved.length);
  now.forEach((w, i) => expect(w, `weight ${m.weights[i].name}`).toEqual(saved[i]));
}

describe.each(techniques.map((t) => t.name))("%s", (name) => {
  const technique = techniqueByName(name);
  const params = () => technique.configSchema.parse(quick[name as TechniqueName]);

  it("is found by name and its defaults and quick config round-trip through JSON", () => {
    expect(techniques.map((t) => t.name)).toContain(name);
    for (const config of [technique.configSchema.parse({}), params()]) {
      expect(technique.configSchema.parse(JSON.parse(JSON.stringify(config)))).toEqual(config);
    }
  });

  it("accepts the zoo architectures", () => {
    for (const arch of ["bench-cnn", "small-cnn", "mobilenet-v2", "resnet"] as const) {
      const model = tinyModel(arch);
      expect(technique.check?.(model, technique.configSchema.parse({})) ?? null).toBeNull();
      model.dispose();
    }
  });

  it("applies: a new model that predicts one row of class scores per image, input untouched, no tensor leaked", async () => {
    const input = tinyModel("bench-cnn", 2);
    const saved = weightsOf(input);
    const { ctx } = testContext(input);
    const before = liveTensors();
    const result = await technique.apply(input, params(), ctx);
    if (!("model" in result)) {
      // A technique that keeps its model (an analysis) returns findings only, and leaves no tensor behind.
      expect(technique.keepsModel).toBe(true);
      expect(Object.keys(result.details).length).toBeGreaterThan(0);
      expectSameWeights(input, saved);
      expect(liveTensors()).toBe(before);
      input.dispose();
      return;
    }
    expect(result.model).not.toBe(input);
    expectSameWeights(input, saved);
    expect(liveTensors() - before).toBe(weightTensors(result.model));
    const test = splitAsFloat(data.test);
    const logits = tf.tidy(() => result.model.predict(tf.tensor4d(test.images, [data.test.count, ...data.test.shape])) as tf.Tensor);
    expect(logits.shape).toEqual([data.test.count, 4]);
    expect(Array.from(logits.dataSync()).every(Number.isFinite)).toBe(true);
    logits.dispose();
    result.model.dispose();
    expect(liveTensors()).toBe(before);
    input.dispose();
  });

  it("stops with TrainingCancelled when cancelled before it starts, leaking nothing and leaving the input intact", async () => {
    const input = tinyModel("bench-cnn");
    const controller = new AbortController();
    controller.abort();
    const { ctx } = testContext(input, { signal: controller.signal });
    const saved = weightsOf(input);
    const before = liveTensors();
    await expect(technique.apply(input, params(), ctx)).rejects.toBeInstanceOf(TrainingCancelled);
    expect(liveTensors()).toBe(before);
    expectSameWeights(input, saved);
    input.dispose();
  });

  it("stops when cancelled in the middle of training (no training reported after it), leaking nothing, input intact", async () => {
    const input = tinyModel("bench-cnn");
    const controller = new AbortController();
    // Batch 8 on 256 images: 32 steps an epoch, reported at step 20 and 32. Cancel at the first report (20 steps
    // trained); a technique that keeps training reports again and fails the check on `after` below.
    const after: TechniqueProgress[] = [];
    let cancelledAt: TechniqueProgress | undefined;
    // An analysis trains nothing: it is cancelled at its first progress report (one layer measured), instead.
    const watched = (p: TechniqueProgress) => (technique.keepsModel ? true : p.phase === "training");
    const onProgress = async (p: TechniqueProgress) => {
      if (!watched(p)) return;
      if (cancelledAt) after.push(p);
      else if (technique.keepsModel || (p.batch ?? 0) >= 1) (cancelledAt = p), controller.abort();
    };
    const { ctx } = testContext(input, { signal: controller.signal, onProgress, training: { epochs: 1, batchSize: 8, learningRate: 0.003, optimizer: "adam" } });
    const saved = weightsOf(input);
    const before = liveTensors();
    await expect(technique.apply(input, params(), ctx)).rejects.toBeInstanceOf(TrainingCancelled);
    if (!technique.keepsModel) expect(cancelledAt?.batch, "training reported progress before the cancel").toBeGreaterThanOrEqual(1);
    else expect(cancelledAt, "the analysis reported progress before the cancel").toBeDefined();
    expect(after, "training went on after the cancel").toEqual([]);
    expect(liveTensors()).toBe(before);
    expectSameWeights(input, saved);
    input.dispose();
  });
});

it("techniqueByName names the known techniques when it fails", () => {
  expect(() => techniqueByName("sparsify")).toThrow(/distill, prune, quantize, cluster, nas, analyze/);
});
