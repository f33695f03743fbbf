import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readDatasetCache } from "./dataset-cache";
import { DatasetFormatError } from "./idx";
import { inspectImageFolder, loadImageFolder } from "./image-folder";
import { loadDataset, loadDatasetAsync } from "./load-dataset";
import { imageFolderFiles, tarGz, tempDir, writeTree, zip } from "./test-fixtures";

describe("image folders", () => {
  it("loads a directory, a .tar.gz and a .zip of <split>/<class>/<image> alike", async () => {
    const files = await imageFolderFiles();
    const dir = writeTree(tempDir(), files);
    const tgz = path.join(tempDir(), "set.tar.gz");
    writeFileSync(tgz, await tarGz(files));
    const zipFile = path.join(tempDir(), "set.zip");
    writeFileSync(zipFile, zip(files));
    for (const location of [path.join(dir, "set"), dir, tgz, zipFile]) {
      const data = await loadImageFolder(location);
      expect(data.classes).toEqual(["blue", "red"]);
      expect(data.train.count).toBe(6);
      expect(data.test.count).toBe(4);
      expect(data.train.shape).toEqual([6, 6, 3]);
      // blue images first (class 0): pixel (0, 0, 0) is B = 255; red ones after.
      expect([...data.train.images.subarray(0, 3)]).toEqual([0, 0, 255]);
      expect([...data.train.labels]).toEqual([0, 0, 0, 1, 1, 1]);
      expect([...data.train.images.subarray(3 * 108, 3 * 108 + 3)]).toEqual([255, 0, 0]);
    }
  });

  it("resizes and converts to grey when given an input shape", async () => {
    const dir = writeTree(tempDir(), await imageFolderFiles(""));
    const data = await loadImageFolder(dir, { inputShape: [4, 5, 1] });
    expect(data.train.shape).toEqual([4, 5, 1]);
    expect(data.train.images.length).toBe(6 * 20);
  });

  it("rejects a missing test split, a wrong layout, an undecodable image and mixed sizes", async () => {
    const files = await imageFolderFiles("");
    const noTest = Object.fromEntries(Object.entries(files).filter(([k]) => k.startsWith("train/")));
    await expect(loadImageFolder(writeTree(tempDir(), noTest))).rejects.toThrow(/no test images/);
    await expect(loadImageFolder(writeTree(tempDir(), { ...files, "train/extra.png": files["train/red/0.png"] }))).rejects.toThrow(/expected <split>\/<class>\/<image>/);
    await expect(loadImageFolder(writeTree(tempDir(), { ...files, "train/red/bad.png": new Uint8Array([137, 80, 78, 71, 1, 2, 3]) }))).rejects.toThrow(/bad.png cannot be decoded/);
    const big = (await imageFolderFiles("", 8))["train/red/0.png"];
    await expect(loadImageFolder(writeTree(tempDir(), { ...files, "train/red/big.png": big }))).rejects.toThrow(/is 8×8, others are 6×6/);
    await expect(loadImageFolder(writeTree(tempDir(), { ...files, "elsewhere/red/0.png": big }))).rejects.toThrow(/unknown split folder "elsewhere"/);
  });

  it("rejects a truncated .tar.gz and a file that is no archive", async () => {
    const tgz = await tarGz(await imageFolderFiles());
    const truncated = path.join(tempDir(), "t.tar.gz");
    writeFileSync(truncated, tgz.subarray(0, Math.floor(tgz.length / 2)));
    await expect(loadImageFolder(truncated)).rejects.toThrow(/corrupt or truncated tar.gz/);
    const text = path.join(tempDir(), "notes.txt");
    writeFileSync(text, "hello");
    await expect(loadImageFolder(text)).rejects.toBeInstanceOf(DatasetFormatError);
  });

  it("inspects quickly: classes, counts, shape", async () => {
    const dir = writeTree(tempDir(), await imageFolderFiles());
    expect(await inspectImageFolder(dir)).toEqual({ classes: ["blue", "red"], trainCount: 6, testCount: 4, inputShape: [6, 6, 3] });
  });

  it("caches the decoded arrays: the second load (also the synchronous one) reads the cache", async () => {
    const location = path.join(tempDir(), "set.tar.gz");
    writeFileSync(location, await tarGz(await imageFolderFiles()));
    const cacheDir = tempDir();
    const d = { id: "x", kind: "image-folder", location, classes: [] as string[], inputShape: [6, 6, 3], cacheDir };
    expect(() => loadDataset(d)).toThrow(/loadDatasetAsync/);
    const first = await loadDatasetAsync(d);
    const second = loadDataset(d);
    expect(second.train.images).toEqual(first.train.images);
    expect(second.classes).toEqual(["blue", "red"]);
    expect(second.id).toBe("x");
  });

  it("ignores and rebuilds a damaged cache file", async () => {
    const cacheDir = tempDir();
    const file = path.join(cacheDir, "broken.bin");
    writeFileSync(file, "LABDS1\n\x05\x00\x00\x00{}");
    expect(readDatasetCache(file)).toBeUndefined();
    expect(existsSync(file)).toBe(false);
  });
});
