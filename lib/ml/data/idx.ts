// The IDX format of MNIST-family datasets (MNIST, Fashion-MNIST, KMNIST): a 4-byte magic number
// (0x00 0x00 <type> <rank>), one big-endian uint32 per dimension, then the values. Only unsigned bytes
// (type 0x08) occur in these datasets. Files may be gzip-compressed.
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { DatasetFormatError } from "./dataset-errors";
import { tooManyBytes, unpackLimits } from "./unpack-limits";

// Defined in dataset-errors.ts (next to DatasetLimitError); re-exported where it has always been imported from.
export { DatasetFormatError };

export interface IdxArray {
  shape: number[];
  data: Uint8Array;
}

const UNSIGNED_BYTE = 0x08;

export function parseIdx(bytes: Uint8Array, file = "IDX data"): IdxArray {
  if (bytes.length < 4) throw new DatasetFormatError(file, "file is too short to be IDX");
  if (bytes[0] !== 0 || bytes[1] !== 0) throw new DatasetFormatError(file, "wrong magic number (not an IDX file)");
  if (bytes[2] !== UNSIGNED_BYTE) throw new DatasetFormatError(file, `unsupported IDX value type 0x${bytes[2].toString(16)} (only unsigned bytes)`);
  const rank = bytes[3];
  if (rank < 1 || rank > 4) throw new DatasetFormatError(file, `unsupported IDX rank ${rank}`);
  const header = 4 + 4 * rank;
  if (bytes.length < header) throw new DatasetFormatError(file, "truncated IDX header");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  const count = shape.reduce((a, b) => a * b, 1);
  if (bytes.length - header !== count) {
    throw new DatasetFormatError(file, `truncated or padded: header declares ${count} values, file holds ${bytes.length - header}`);
  }
  return { shape, data: bytes.subarray(header) };
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** A gzipped file is inflated only up to `maxUnpackedBytes` (a gzip bomb stops there, with an error naming it). */
export function readIdxFile(file: string, maxUnpackedBytes = unpackLimits().maxUnpackedBytes): IdxArray {
  let bytes: Uint8Array = readFileSync(file);
  if (isGzip(bytes)) {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: maxUnpackedBytes });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") throw tooManyBytes(file, maxUnpackedBytes);
      throw new DatasetFormatError(file, "corrupt or truncated gzip stream");
    }
  }
  return parseIdx(bytes, file);
}
