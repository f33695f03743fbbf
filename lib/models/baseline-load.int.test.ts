// Bring your own model, end to end: the PyTorch ResNet is uploaded, a run loads it as its baseline (no training),
// prunes channels and quantizes to INT8 through the real queue and worker; the INT8 ONNX runs in onnxruntime-node
// on the same NCHW input the uploaded model took. Submission refuses what cannot run with a 422.
import { readFileSync } from "node:fs";
import path from "node:path";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as UPLOAD } from "../../app/api/models/route";
import { startWorkerProcess, registerSyntheticDataset, waitFor, type WorkerHandle } from "../../test/fixtures";
import { registerBuiltinDatasets } from "../datasets/builtin";
import { db } from "../db";
import { createExperiment } from "../experiments/create-experiment";
import { readIdxSplit } from "../ml/data/fashion-mnist";
import { artifactFile } from "../artifacts/store-artifact";
import { closeQueue } from "../queue";
import { CreateExperiment } from "../schemas/experiment";

const fixture = readFileSync(path.join(process.cwd(), "test", "fixtures", "models", "resnet-fmnist.onnx"));
const suffix = Date.now().toString(36);
let worker: WorkerHandle;
let modelId: string;

const experiment = (pipeline: unknown, datasetId = "fashion-mnist") =>
  CreateExperiment.parse({ name: `byom ${suffix}`, datasetId, architecture: "resnet", pipeline, training: { epochs: 1, batchSize: 64, trainLimit: 1000, testLimit: 300 }, seed: 1 });

describe("a baseline that loads an uploaded model", () => {
  beforeAll(async () => {
    await registerBuiltinDatasets(db());
    await registerSyntheticDataset(db());
    const res = await UPLOAD(new Request(`http://lab.test/api/models?name=byom-${suffix}&datasetId=fashion-mnist&testImages=300`, { method: "POST", headers: { "content-type": "application/octet-stream" }, body: new Blob([new Uint8Array(fixture)]), duplex: "half" } as RequestInit));
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(201);
    modelId = body.model.id;
    worker = await startWorkerProcess();
  });
  afterAll(async () => {
    await worker?.stop();
    await closeQueue();
    await db().$disconnect();
  });

  it("refuses at submission a model that does not exist or was checked on another dataset", async () => {
    await expect(createExperiment(db(), experiment([{ technique: "baseline", params: { modelId: "no-such-model" } }]))).rejects.toMatchObject({ status: 422, message: expect.stringMatching(/does not exist/) });
    await expect(createExperiment(db(), experiment([{ technique: "baseline", params: { modelId } }], "synthetic"))).rejects.toMatchObject({ status: 422, message: expect.stringMatching(/checked on dataset "fashion-mnist"/) });
    expect(() => experiment([{ technique: "baseline", params: { fineTuneEpochs: 1 } }])).toThrow(/fineTuneEpochs needs a modelId/);
  });

  it("baseline(load) → prune structured → INT8 runs to succeeded; the INT8 ONNX runs in onnxruntime-node on NCHW input", async () => {
    const { runId } = await createExperiment(db(), experiment([
      { technique: "baseline", params: { modelId } },
      { technique: "prune", params: { method: "structured", channelFraction: 0.25, epochs: 1 } },
      { technique: "quantize", params: { mode: "ptq", calibrationImages: 128 } },
    ]));
    const run = await waitFor("the run to finish", async () => {
      const r = await db().run.findUniqueOrThrow({ where: { id: runId }, include: { stages: { orderBy: { index: "asc" } }, artifacts: true, metrics: true } });
      return ["succeeded", "failed", "cancelled"].includes(r.status) ? r : undefined;
    }, 600_000, 1000);
    expect(run.error, worker.output()).toBeNull();
    expect(run.status).toBe("succeeded");
    const [baseline, pruned, int8] = run.stages;
    // Loaded, not trained: no training curve for stage 0, and the uploaded model's accuracy (> 70 %, chance 10 %).
    expect(run.metrics.filter((m) => m.stageIndex === 0)).toHaveLength(0);
    expect(baseline.accuracy).toBeGreaterThan(0.7);
    expect(pruned.macs!).toBeLessThan(baseline.macs!);
    expect(int8.precision).toBe("int8");

    const artifact = run.artifacts.find((a) => a.stageIndex === 2 && a.kind === "onnx-int8")!;
    expect(artifact).toBeDefined();
    const session = await ort.InferenceSession.create(artifactFile(artifact.path));
    const test = readIdxSplit("/usr/share/datasets/fashion-mnist", "t10k");
    const n = 200;
    const x = new Float32Array(n * 28 * 28).map((_, i) => test.images[i] / 255); // C = 1: NHWC and NCHW coincide
    const out = await session.run({ [session.inputNames[0]]: new ort.Tensor("float32", x, [n, 1, 28, 28]) });
    const logits = out[session.outputNames[0]];
    expect(logits.dims).toEqual([n, 10]);
    const y = logits.data as Float32Array;
    let correct = 0;
    for (let i = 0; i < n; i++) {
      const row = Array.from(y.subarray(i * 10, i * 10 + 10));
      if (row.indexOf(Math.max(...row)) === test.labels[i]) correct++;
    }
    expect(correct / n).toBeGreaterThan(0.5);
  }, 660_000);

  it("fineTuneEpochs fine-tunes the loaded model through the training loop (one curve point per epoch)", async () => {
    const { runId } = await createExperiment(db(), experiment([{ technique: "baseline", params: { modelId, fineTuneEpochs: 1 } }]));
    const run = await waitFor("the run to finish", async () => {
      const r = await db().run.findUniqueOrThrow({ where: { id: runId }, include: { stages: true, metrics: true } });
      return ["succeeded", "failed", "cancelled"].includes(r.status) ? r : undefined;
    }, 300_000, 1000);
    expect(run.error, worker.output()).toBeNull();
    expect(run.metrics.filter((m) => m.stageIndex === 0 && m.name === "loss").map((m) => m.step)).toEqual([1]);
    expect(run.stages[0].accuracy).toBeGreaterThan(0.7);
  }, 360_000);
});
