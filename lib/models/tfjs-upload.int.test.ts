// A TF.js Layers model brought as a zip (test/fixtures/models/make-tfjs-fixture.ts), end to end on the real
// database, queue and worker: the upload answers like an ONNX one (format "tfjs"), a nested model is a 422 naming
// the layer, and a run loads it as its baseline and quantizes it to INT8.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { POST } from "../../app/api/models/route";
import { useWorkerProcess, waitFor } from "../../test/fixtures";
import { registerBuiltinDatasets } from "../datasets/builtin";
import { db } from "../db";
import { createExperiment } from "../experiments/create-experiment";
import { CreateExperiment } from "../schemas/experiment";

const fixture = (name: string) => readFileSync(path.join(process.cwd(), "test", "fixtures", "models", name));
const suffix = Date.now().toString(36);
const upload = (query: string, body: Uint8Array) =>
  POST(new Request(`http://lab.test/api/models?${query}`, { method: "POST", headers: { "content-type": "application/octet-stream" }, body: new Blob([new Uint8Array(body)]), duplex: "half" } as RequestInit));

describe("TF.js Layers model upload", () => {
  const worker = useWorkerProcess({ datasets: registerBuiltinDatasets });

  it("uploads the zip (format tfjs, checked, measured), refuses a nested model, and baseline(load) → INT8 PTQ succeeds", async () => {
    const res = await upload(`name=tfjs-${suffix}&datasetId=fashion-mnist&testImages=300`, fixture("tfjs-fmnist.zip"));
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(201);
    const { model } = body;
    expect(model).toMatchObject({ format: "tfjs", inputShape: [28, 28, 1], layout: "NHWC", classes: 10, testImages: 300, fp32Bytes: fixture("tfjs-fmnist.zip").byteLength });
    expect(model.check.passed).toBe(true);
    expect(model.accuracy).toBeGreaterThan(0.6); // trained by the script; chance is 0.1
    expect(model.operators).toMatchObject({ Conv2D: 3, Add: 1, Dense: 1 });
    expect(model.techniques["quantize-ptq"].applies).toBe(true);

    const nested = await upload(`name=nested-${suffix}&datasetId=fashion-mnist`, fixture("unsupported-tfjs.zip"));
    expect(nested.status).toBe(422);
    expect((await nested.json()).error.message).toMatch(/unsupported layer nested_block \(Sequential\)/);
    expect(await db().model.findUnique({ where: { name: `nested-${suffix}` } })).toBeNull();

    const { runId } = await createExperiment(db(), CreateExperiment.parse({
      name: `tfjs byom ${suffix}`, datasetId: "fashion-mnist", architecture: "resnet", seed: 1,
      training: { epochs: 1, batchSize: 64, trainLimit: 500, testLimit: 300 },
      pipeline: [{ technique: "baseline", params: { modelId: model.id } }, { technique: "quantize", params: { mode: "ptq", calibrationImages: 64 } }],
    }));
    const run = await waitFor("the run to finish", async () => {
      const r = await db().run.findUniqueOrThrow({ where: { id: runId }, include: { stages: { orderBy: { index: "asc" } }, artifacts: true } });
      return ["succeeded", "failed", "cancelled"].includes(r.status) ? r : undefined;
    }, 300_000, 1000);
    expect(run.error, worker.output()).toBeNull();
    expect(run.status).toBe("succeeded");
    expect(run.stages[0].accuracy).toBeGreaterThan(0.6);
    expect(run.stages[1].precision).toBe("int8");
    expect(run.artifacts.some((a) => a.stageIndex === 1 && a.kind === "onnx-int8")).toBe(true);
  });
});
