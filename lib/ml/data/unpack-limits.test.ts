// Archive and gzip bombs stop at the limit with an error naming it, before the bytes are held in memory.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { readArchive } from "./archive";
import { DatasetLimitError } from "./dataset-errors";
import { idxBytes, tarGz, tempDir, writeTree, zip } from "./test-fixtures";
import { readIdxFile } from "./idx";

const MB = 1024 * 1024;
const limits = { maxUnpackedBytes: MB, maxEntries: 100, maxImagePixels: 1_000_000 };
const file = (name: string, bytes: Uint8Array) => {
  const f = path.join(tempDir(), name);
  writeFileSync(f, bytes);
  return f;
};

describe("unpack limits", () => {
  it("stops a tar.gz that inflates past DATASET_MAX_UNPACKED_BYTES (skipped entries count too)", async () => {
    const bomb = file("bomb.tar.gz", await tarGz({ "train/a/zeros.bin": new Uint8Array(4 * MB) }));
    await expect(readArchive(bomb, () => true, limits)).rejects.toThrow(/exceeds the limit of 1048576 \(DATASET_MAX_UNPACKED_BYTES\)/);
    await expect(readArchive(bomb, () => false, limits)).rejects.toBeInstanceOf(DatasetLimitError);
    expect(await readArchive(bomb, () => true, { ...limits, maxUnpackedBytes: 8 * MB })).toHaveLength(1);
  });

  it("stops a zip whose entries declare more than the limit", async () => {
    const bomb = file("bomb.zip", zip({ "a.bin": new Uint8Array(2 * MB) }));
    await expect(readArchive(bomb, () => true, limits)).rejects.toThrow(/DATASET_MAX_UNPACKED_BYTES/);
  });

  it("stops archives and directories with too many entries", async () => {
    const many = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`train/a/${i}.png`, new Uint8Array(1)]));
    await expect(readArchive(file("many.tar.gz", await tarGz(many)), () => true, limits)).rejects.toThrow(/number of entries exceeds the limit of 100 \(DATASET_MAX_ENTRIES\)/);
    await expect(readArchive(file("many.zip", zip(many)), () => true, limits)).rejects.toThrow(/DATASET_MAX_ENTRIES/);
    await expect(readArchive(writeTree(tempDir(), many), () => true, limits)).rejects.toThrow(/DATASET_MAX_ENTRIES/);
  });

  it("inflates a gzipped IDX file only up to the limit", () => {
    const big = file("train-images-idx3-ubyte.gz", gzipSync(idxBytes([4, 1024, 1024], new Uint8Array(4 * MB))));
    expect(() => readIdxFile(big, MB)).toThrow(/unpacked size exceeds the limit of 1048576 \(DATASET_MAX_UNPACKED_BYTES\)/);
    expect(readIdxFile(big, 8 * MB).shape).toEqual([4, 1024, 1024]);
  });
});
