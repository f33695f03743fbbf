// How far a dataset's files may expand while they are read: archive and gzip bombs (a few MB that inflate to
// many GB, or millions of empty entries) and decompression-bomb images are stopped at a limit, with an error
// naming the setting to raise. Defaults come from lib/env.ts; tests pass their own.
import { env } from "../../env";
import { DatasetLimitError } from "./dataset-errors";

export interface UnpackLimits {
  /** Bytes an archive (its tar stream, or its zip entries) or a gzip file may expand to. */
  maxUnpackedBytes: number;
  /** Entries an archive or directory may hold. */
  maxEntries: number;
  /** Pixels (width × height) one image may have. */
  maxImagePixels: number;
}

export function unpackLimits(): UnpackLimits {
  const e = env();
  return { maxUnpackedBytes: e.DATASET_MAX_UNPACKED_BYTES, maxEntries: e.DATASET_MAX_ENTRIES, maxImagePixels: e.DATASET_MAX_IMAGE_PIXELS };
}

export const tooManyBytes = (file: string, limit: number) => new DatasetLimitError(file, "unpacked size", "DATASET_MAX_UNPACKED_BYTES", limit);
export const tooManyEntries = (file: string, limit: number) => new DatasetLimitError(file, "number of entries", "DATASET_MAX_ENTRIES", limit);
export const tooManyPixels = (file: string, limit: number) => new DatasetLimitError(file, "image size in pixels", "DATASET_MAX_IMAGE_PIXELS", limit);
