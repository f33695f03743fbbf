// CIFAR-10's binary release (Krizhevsky, 2009): data_batch_1..5.bin and test_batch.bin, each a sequence of
// 3073-byte records — one label byte, then 1024 red, 1024 green and 1024 blue bytes (planar, row-major 32×32).
// tfjs wants interleaved NHWC, so every record is transposed once at load time.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { DatasetFormatError } from "./idx";
import type { ImageSplit, LoadedDataset } from "./types";

export const CIFAR10_CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

const SIDE = 32;
const PLANE = SIDE * SIDE;
const RECORD = 1 + 3 * PLANE;

/** Parses one batch file's bytes into an NHWC split; every label must name one of `numClasses` classes. */
export function parseCifarBatch(bytes: Uint8Array, file = "CIFAR-10 batch", numClasses = 10): ImageSplit {
  if (bytes.length === 0) throw new DatasetFormatError(file, "empty file");
  if (bytes.length % RECORD !== 0) {
    throw new DatasetFormatError(file, `truncated: ${bytes.length} bytes is not a whole number of ${RECORD}-byte CIFAR-10 records (${Math.floor(bytes.length / RECORD)} whole + ${bytes.length % RECORD} bytes)`);
  }
  const count = bytes.length / RECORD;
  const images = new Uint8Array(count * 3 * PLANE);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    const record = n * RECORD;
    const label = bytes[record];
    // A label outside 0..9 is the reliable sign of a wrong file (CIFAR-100 records are 3074 bytes with two labels).
    if (label >= numClasses) throw new DatasetFormatError(file, `record ${n} has label ${label}; CIFAR-10 labels are 0–${numClasses - 1} (is this really a CIFAR-10 binary batch?)`);
    labels[n] = label;
    const out = n * 3 * PLANE;
    for (let p = 0; p < PLANE; p++) {
      images[out + 3 * p] = bytes[record + 1 + p];
      images[out + 3 * p + 1] = bytes[record + 1 + PLANE + p];
      images[out + 3 * p + 2] = bytes[record + 1 + 2 * PLANE + p];
    }
  }
  return { images, labels, count, shape: [SIDE, SIDE, 3] };
}

export function concatSplits(splits: ImageSplit[]): ImageSplit {
  const count = splits.reduce((a, s) => a + s.count, 0);
  const shape = splits[0].shape;
  const images = new Uint8Array(splits.reduce((a, s) => a + s.images.length, 0));
  const labels = new Uint8Array(count);
  let i = 0;
  let l = 0;
  for (const s of splits) {
    images.set(s.images, i);
    labels.set(s.labels, l);
    i += s.images.length;
    l += s.count;
  }
  return { images, labels, count, shape };
}

/** The directory holding the batches: `dir` itself or the `cifar-10-batches-bin/` folder the tarball unpacks to. */
function batchDir(dir: string): string {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new DatasetFormatError(dir, "not a directory");
  const nested = path.join(dir, "cifar-10-batches-bin");
  return existsSync(path.join(dir, "test_batch.bin")) || !existsSync(nested) ? dir : nested;
}

/** Class names from batches.meta.txt when present (one per line), else the standard ten. */
function readClassNames(dir: string): string[] {
  const meta = path.join(dir, "batches.meta.txt");
  if (!existsSync(meta)) return CIFAR10_CLASSES;
  const names = readFileSync(meta, "utf8").split(/\r?\n/).map((s) => s.trim()).filter(Boolean);
  return names.length ? names : CIFAR10_CLASSES;
}

export function loadCifar10Bin(location: string): LoadedDataset {
  const dir = batchDir(location);
  const files = readdirSync(dir);
  const trainFiles = files.filter((f) => /^data_batch_\d+\.bin$/.test(f)).sort();
  if (!trainFiles.length) throw new DatasetFormatError(dir, "no data_batch_*.bin files (expected CIFAR-10's binary release)");
  if (!files.includes("test_batch.bin")) throw new DatasetFormatError(dir, "test_batch.bin is missing");
  const classes = readClassNames(dir);
  const read = (f: string) => parseCifarBatch(readFileSync(path.join(dir, f)), path.join(dir, f), classes.length);
  return { id: "cifar10-bin", classes, train: concatSplits(trainFiles.map(read)), test: read("test_batch.bin") };
}
