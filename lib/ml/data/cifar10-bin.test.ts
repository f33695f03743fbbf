import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadCifar10Bin, parseCifarBatch } from "./cifar10-bin";
import { DatasetFormatError } from "./idx";
import { cifarRecord, tempDir, writeCifarDir } from "./test-fixtures";

describe("CIFAR-10 binary batches", () => {
  it("turns planar records into NHWC images", () => {
    const split = parseCifarBatch(Buffer.concat([cifarRecord(3, 1, 2, 3), cifarRecord(9, 4, 5, 6)]));
    expect(split.count).toBe(2);
    expect(split.shape).toEqual([32, 32, 3]);
    expect([...split.labels]).toEqual([3, 9]);
    expect([...split.images.subarray(0, 6)]).toEqual([1, 2, 3, 1, 2, 3]);
    expect([...split.images.subarray(3072, 3075)]).toEqual([4, 5, 6]);
  });

  it("rejects a truncated file with the record arithmetic", () => {
    const bytes = Buffer.concat([cifarRecord(0, 0, 0, 0), cifarRecord(1, 0, 0, 0)]).subarray(0, 5000);
    expect(() => parseCifarBatch(bytes, "b.bin")).toThrow(/b.bin: truncated: 5000 bytes is not a whole number of 3073-byte/);
  });

  it("rejects labels outside 0–9 (not a CIFAR-10 file)", () => {
    expect(() => parseCifarBatch(cifarRecord(42, 0, 0, 0))).toThrow(/label 42/);
  });

  it("loads data_batch_*.bin + test_batch.bin from a directory, and names the missing file", () => {
    const dir = writeCifarDir(tempDir());
    const data = loadCifar10Bin(dir);
    expect(data.train.count).toBe(6);
    expect(data.test.count).toBe(3);
    expect(data.classes[0]).toBe("airplane");
    writeFileSync(path.join(dir, "batches.meta.txt"), "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n");
    expect(loadCifar10Bin(dir).classes[9]).toBe("j");
    const empty = tempDir();
    expect(() => loadCifar10Bin(empty)).toThrow(DatasetFormatError);
    writeFileSync(path.join(empty, "data_batch_1.bin"), cifarRecord(0, 0, 0, 0));
    expect(() => loadCifar10Bin(empty)).toThrow(/test_batch.bin is missing/);
  });
});
