import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET, POST } from "../../app/api/datasets/route";
import { POST as UPLOAD } from "../../app/api/datasets/upload/route";
import { imageFolderFiles, tarGz, tempDir, writeCifarDir, writeIdxDir, writeTree } from "../ml/data/test-fixtures";
import { db } from "../db";

const root = tempDir("lab-datasets-");
const suffix = Date.now().toString(36);

const register = (body: unknown) =>
  POST(new Request("http://lab.test/api/datasets", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }));
const upload = (query: string, body: Uint8Array | string, headers: Record<string, string> = {}) =>
  UPLOAD(new Request(`http://lab.test/api/datasets/upload?${query}`, { method: "POST", headers, body: typeof body === "string" ? body : new Blob([new Uint8Array(body)]), duplex: "half" } as RequestInit));

describe("datasets API", () => {
  beforeAll(() => {
    process.env.DATASET_ROOTS = root;
    process.env.DATASET_UPLOAD_DIR = path.join(root, "uploads");
  });
  afterAll(async () => {
    await db().$disconnect();
  });

  it("registers an IDX directory by server path and lists it with classes and counts", async () => {
    const res = await register({ name: `Digits ${suffix}`, kind: "idx", location: writeIdxDir(path.join(root, "digits")) });
    expect(res.status).toBe(201);
    const { dataset } = await res.json();
    expect(dataset).toMatchObject({ id: `digits-${suffix}`, kind: "idx", classes: ["0", "1", "2"], trainCount: 6, testCount: 4, inputShape: [4, 4, 1] });
    const list = await (await GET(new Request("http://lab.test/api/datasets"))).json();
    expect(list.datasets.map((d: { id: string }) => d.id)).toContain(`digits-${suffix}`);
    // The same name again is a conflict, not a replacement.
    expect((await register({ name: `Digits ${suffix}`, kind: "idx", location: path.join(root, "digits") })).status).toBe(409);
  });

  it("registers CIFAR-10 binaries and an image folder with a resize", async () => {
    const cifar = await register({ name: `cifar bin ${suffix}`, kind: "cifar10-bin", location: writeCifarDir(path.join(root, "cifar")) });
    expect(cifar.status).toBe(201);
    expect((await cifar.json()).dataset).toMatchObject({ trainCount: 6, testCount: 3, inputShape: [32, 32, 3] });
    const folder = writeTree(path.join(root, "colours"), await imageFolderFiles());
    const res = await register({ name: `colours ${suffix}`, kind: "image-folder", location: folder, inputShape: [8, 8, 1] });
    expect(res.status).toBe(201);
    expect((await res.json()).dataset).toMatchObject({ classes: ["blue", "red"], trainCount: 6, testCount: 4, inputShape: [8, 8, 1] });
  });

  it("answers bad input with a clear 4xx and writes nothing", async () => {
    const before = await db().dataset.count();
    const broken = path.join(root, "broken");
    writeIdxDir(broken);
    writeFileSync(path.join(broken, "t10k-images-idx3-ubyte"), new Uint8Array([0, 0, 8, 3, 0, 0, 0, 4]));
    const truncated = await register({ name: `broken ${suffix}`, kind: "idx", location: broken });
    expect(truncated.status).toBe(422);
    expect((await truncated.json()).error.message).toMatch(/t10k-images-idx3-ubyte: truncated IDX header/);
    expect((await register({ name: `outside ${suffix}`, kind: "idx", location: "/etc" })).status).toBe(403);
    expect((await register({ name: `nowhere ${suffix}`, kind: "idx", location: path.join(root, "missing") })).status).toBe(400);
    expect((await register({ name: "", kind: "hdf5", location: root })).status).toBe(400);
    expect((await register({ name: `shape ${suffix}`, kind: "idx", location: path.join(root, "digits"), inputShape: [8, 8, 1] })).status).toBe(400);
    expect(await db().dataset.count()).toBe(before);
  });

  it("accepts an uploaded .tar.gz image folder as a raw body and as a multipart form", async () => {
    const archive = await tarGz(await imageFolderFiles());
    const raw = await upload(`name=up-raw-${suffix}&kind=image-folder`, archive, { "content-type": "application/gzip" });
    expect(raw.status).toBe(201);
    expect((await raw.json()).dataset).toMatchObject({ kind: "image-folder", classes: ["blue", "red"], trainCount: 6, testCount: 4 });
    const form = new FormData();
    form.set("file", new Blob([new Uint8Array(archive)]), "colours.tar.gz");
    const request = new Request("http://lab.test/x", { method: "POST", body: form });
    const body = new Uint8Array(await request.arrayBuffer());
    const multipart = await upload(`name=up-form-${suffix}&kind=image-folder&inputShape=8x8x3`, body, {
      "content-type": request.headers.get("content-type")!, "content-length": String(body.length),
    });
    expect(multipart.status).toBe(201);
    expect((await multipart.json()).dataset.inputShape).toEqual([8, 8, 3]);
  });

  it("unpacks an uploaded IDX archive, and rejects junk, oversize and invalid uploads", async () => {
    const idxFiles = Object.fromEntries(
      ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"].map((f) => [`mnist/${f}`, new Uint8Array(0)]),
    );
    const dir = writeIdxDir(tempDir());
    for (const name of Object.keys(idxFiles)) idxFiles[name] = new Uint8Array(readFileSync(path.join(dir, path.basename(name))));
    const ok = await upload(`name=up-idx-${suffix}&kind=idx`, await tarGz(idxFiles));
    expect(ok.status).toBe(201);
    expect((await ok.json()).dataset).toMatchObject({ trainCount: 6, testCount: 4 });

    expect((await upload(`name=junk-${suffix}&kind=image-folder`, "just some text")).status).toBe(415);
    process.env.DATASET_UPLOAD_MAX_BYTES = "100";
    try {
      expect((await upload(`name=big-${suffix}&kind=image-folder`, new Uint8Array(1000))).status).toBe(413);
    } finally {
      delete process.env.DATASET_UPLOAD_MAX_BYTES;
    }
    const noTest = await tarGz(Object.fromEntries(Object.entries(await imageFolderFiles("")).filter(([k]) => k.startsWith("train/"))));
    const invalid = await upload(`name=bad-${suffix}&kind=image-folder`, noTest);
    expect(invalid.status).toBe(422);
    expect((await invalid.json()).error.message).toMatch(/no test images/);
    expect((await upload(`kind=image-folder`, noTest)).status).toBe(400);
    expect(await db().dataset.count({ where: { id: { in: [`junk-${suffix}`, `big-${suffix}`, `bad-${suffix}`] } } })).toBe(0);
  });
});
