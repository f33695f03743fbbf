import { describe, expect, it } from "vitest";
import { DatasetFormatError, parseIdx } from "./idx";

function idx(shape: number[], values: number[], type = 0x08): Uint8Array {
  const header = new Uint8Array(4 + 4 * shape.length);
  const view = new DataView(header.buffer);
  header[2] = type;
  header[3] = shape.length;
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  return new Uint8Array([...header, ...values]);
}

describe("parseIdx", () => {
  it("reads shape and values", () => {
    const parsed = parseIdx(idx([2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]));
    expect(parsed.shape).toEqual([2, 2, 2]);
    expect([...parsed.data]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it("rejects a wrong magic number", () => {
    const bytes = idx([1], [7]);
    bytes[0] = 0x1f;
    expect(() => parseIdx(bytes, "x.idx")).toThrow(/wrong magic number/);
  });

  it("rejects unsupported value types", () => {
    expect(() => parseIdx(idx([1], [0, 0, 0, 0], 0x0d))).toThrow(DatasetFormatError);
  });

  it("rejects truncated data with the counts", () => {
    expect(() => parseIdx(idx([3, 2], [1, 2, 3]))).toThrow(/declares 6 values, file holds 3/);
  });

  it("rejects a truncated header", () => {
    expect(() => parseIdx(new Uint8Array([0, 0, 8, 3, 0, 0]))).toThrow(/truncated IDX header/);
  });
});
