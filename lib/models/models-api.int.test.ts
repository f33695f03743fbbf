// POST/GET /api/models on the real database with the committed PyTorch exports: the upload converts, checks
// against onnxruntime and measures; refusals are 4xx with the reason.
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET, POST } from "../../app/api/models/route";
import { registerBuiltinDatasets } from "../datasets/builtin";
import { db } from "../db";

const fixture = (name: string) => readFileSync(path.join(process.cwd(), "test", "fixtures", "models", name));
const suffix = Date.now().toString(36);
const upload = (query: string, body: Uint8Array) =>
  POST(new Request(`http://lab.test/api/models?${query}`, { method: "POST", headers: { "content-type": "application/octet-stream" }, body: new Blob([new Uint8Array(body)]), duplex: "half" } as RequestInit));

describe("models API", () => {
  beforeAll(async () => {
    await registerBuiltinDatasets(db());
  });
  afterAll(async () => {
    await db().$disconnect();
  });

  it("uploads the PyTorch ResNet: converted, checked against onnxruntime, measured, listed", async () => {
    const res = await upload(`name=resnet-${suffix}&datasetId=fashion-mnist&testImages=300`, fixture("resnet-fmnist.onnx"));
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(201);
    const { model } = body;
    expect(model).toMatchObject({ name: `resnet-${suffix}`, format: "onnx", datasetId: "fashion-mnist", inputShape: [1, 28, 28], layout: "NCHW", classes: 10, testImages: 300 });
    expect(model.check.passed).toBe(true);
    expect(model.check.maxAbsDiff).toBeLessThanOrEqual(1e-4);
    expect(model.check.top1Agreement).toBe(1);
    expect(model.accuracy).toBeGreaterThan(0.7); // trained by make_fixtures.py; chance is 0.1
    expect(model.fp32Bytes).toBe(fixture("resnet-fmnist.onnx").byteLength);
    expect(model.params).toBeGreaterThan(1000);
    expect(model.macs).toBeGreaterThan(model.params);
    expect(model.operators).toMatchObject({ Conv: expect.any(Number), Add: 3, Gemm: 1 });
    expect(model.techniques["prune-structured"].applies).toBe(true);
    expect(model.techniques["quantize-ptq"].applies).toBe(true);
    expect(model.hint).toBeUndefined();

    const list = await (await GET(new Request("http://lab.test/api/models"))).json();
    expect(list.models.map((m: { id: string }) => m.id)).toContain(model.id);
    // The same name again is a conflict.
    expect((await upload(`name=resnet-${suffix}&datasetId=fashion-mnist`, fixture("resnet-fmnist.onnx"))).status).toBe(409);
  });

  it("a wrong preprocessing shows as near-chance accuracy with a hint", async () => {
    const res = await upload(`name=resnet-raw-${suffix}&datasetId=fashion-mnist&testImages=200&mean=1&std=0.1`, fixture("resnet-fmnist.onnx"));
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(201);
    const { model } = body;
    expect(model.preprocessing).toMatchObject({ mean: [1], std: [0.1] });
    expect(model.accuracy).toBeLessThan(0.2);
    expect(model.hint).toMatch(/near chance.*preprocessing/);
  });

  it("refuses an unsupported operator with a 422 naming it and its node, and keeps no file or row", async () => {
    const res = await upload(`name=resize-${suffix}&datasetId=fashion-mnist`, fixture("unsupported-resize.onnx"));
    expect(res.status).toBe(422);
    expect((await res.json()).error.message).toMatch(/unsupported operator Resize \(node "\/up\/Resize"\)/);
    expect(await db().model.findUnique({ where: { name: `resize-${suffix}` } })).toBeNull();
  });

  it("answers a bad query with 400 and an unknown dataset with 404", async () => {
    expect((await upload(`datasetId=fashion-mnist`, fixture("resnet-fmnist.onnx"))).status).toBe(400);
    expect((await upload(`name=x-${suffix}&datasetId=fashion-mnist&std=0`, fixture("resnet-fmnist.onnx"))).status).toBe(400);
    expect((await upload(`name=x-${suffix}&datasetId=no-such-dataset`, fixture("resnet-fmnist.onnx"))).status).toBe(404);
  });
});
