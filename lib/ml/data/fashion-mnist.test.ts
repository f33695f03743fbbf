import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadIdxDirectory } from "./fashion-mnist";
import { idxBytes, tempDir, writeIdxDir } from "./test-fixtures";

describe("IDX directories (MNIST, KMNIST, Fashion-MNIST)", () => {
  it("finds the four files under MNIST's names, gzipped or not, and under the dotted variant", () => {
    for (const opts of [{ names: "mnist" as const }, { names: "mnist" as const, gzip: true }, { names: "dotted" as const }]) {
      const data = loadIdxDirectory(writeIdxDir(tempDir(), opts));
      expect(data.train.count).toBe(6);
      expect(data.test.count).toBe(4);
      expect(data.train.shape).toEqual([4, 4, 1]);
      expect(data.classes).toEqual(["0", "1", "2"]);
    }
  });

  it("rejects mismatched image and label counts", () => {
    const dir = writeIdxDir(tempDir());
    writeFileSync(path.join(dir, "train-labels-idx1-ubyte"), idxBytes([5], [0, 1, 2, 0, 1]));
    expect(() => loadIdxDirectory(dir)).toThrow(/5 labels for 6 images/);
  });

  it("names the missing file", () => {
    expect(() => loadIdxDirectory(tempDir())).toThrow(/train-images-idx3-ubyte\[\.gz\]: missing/);
  });
});
