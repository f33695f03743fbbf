import { describe, expect, it } from "vitest";
import { loadDataset, validateDataset } from "./load-dataset";
import { syntheticDataset } from "./synthetic";
import { tempDir, writeCifarDir, writeIdxDir } from "./test-fixtures";

describe("loadDataset", () => {
  it("loads every file-based kind through one function", () => {
    expect(loadDataset({ id: "m", kind: "idx", location: writeIdxDir(tempDir()), classes: [] }).classes).toEqual(["0", "1", "2"]);
    expect(loadDataset({ id: "c", kind: "cifar10-bin", location: writeCifarDir(tempDir()), classes: [] }).train.shape).toEqual([32, 32, 3]);
    expect(loadDataset({ id: "s", kind: "synthetic", location: "memory", classes: ["a", "b"], inputShape: [16, 16, 1] }).train.shape).toEqual([16, 16, 1]);
  });

  it("keeps registered class names, and rejects labels beyond them", () => {
    const dir = writeIdxDir(tempDir());
    expect(loadDataset({ id: "m", kind: "idx", location: dir, classes: ["x", "y", "z"] }).classes).toEqual(["x", "y", "z"]);
    expect(() => loadDataset({ id: "m", kind: "idx", location: dir, classes: ["x", "y"] })).toThrow(/label 2, but the dataset has 2 classes/);
  });

  it("rejects unknown kinds and inconsistent splits", () => {
    expect(() => loadDataset({ id: "x", kind: "hdf5", location: "/x", classes: [] })).toThrow(/not supported/);
    const d = syntheticDataset({ train: 4, test: 4 });
    expect(() => validateDataset({ ...d, train: { ...d.train, count: 5 } }, "here")).toThrow(/pixels for 5 images/);
    expect(() => validateDataset({ ...d, test: { ...d.test, count: 0, images: new Uint8Array(0), labels: new Uint8Array(0) } }, "here")).toThrow(/test split is empty/);
  });
});
