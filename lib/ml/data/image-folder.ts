// Image folders: `<split>/<class>/<image>` (JPEG, PNG, WebP) in a directory, .tar(.gz) or .zip, optionally under
// one top-level folder (cifar10-jpeg/train/cat/0001.jpg). Decoded with sharp (libvips) into uint8 NHWC, resized
// to a target shape when one is given. Class order is the sorted list of class folders of the training split,
// so label indices are stable across machines.
import sharp from "sharp";
import { readArchive, type ArchiveFile } from "./archive";
import { DatasetFormatError } from "./idx";
import type { ImageSplit, LoadedDataset } from "./types";
import { tooManyPixels, unpackLimits } from "./unpack-limits";

export interface ImageFolderOptions {
  /** [height, width, channels]: resize every image to this size and convert to 1 (grey) or 3 (RGB) channels. */
  inputShape?: [number, number, number];
  /** Decode at most this many images at once (sharp decodes on libuv's thread pool). */
  concurrency?: number;
}

const IMAGE_EXTENSIONS = /\.(jpe?g|png|webp)$/i;
const SPLIT_NAMES: Record<string, "train" | "test"> = { train: "train", training: "train", test: "test", val: "test", validation: "test" };

export interface FolderEntry {
  split: "train" | "test";
  className: string;
  file: ArchiveFile;
}

export interface FolderLayout {
  classes: string[];
  train: FolderEntry[];
  test: FolderEntry[];
}

/** Checks the `<split>/<class>/<image>` layout and returns the entries, before anything is decoded. */
export function folderLayout(files: ArchiveFile[], location: string): FolderLayout {
  const images = files.filter((f) => IMAGE_EXTENSIONS.test(f.name));
  if (!images.length) throw new DatasetFormatError(location, "no JPEG or PNG images found (expected <split>/<class>/<image>)");
  let parts = images.map((f) => f.name.split("/"));
  // One top-level folder around everything (as tarballs usually have) is stripped.
  const top = parts[0][0];
  if (!SPLIT_NAMES[top.toLowerCase()] && parts.every((p) => p.length === 4 && p[0] === top)) parts = parts.map((p) => p.slice(1));
  const entries: FolderEntry[] = [];
  for (const [i, p] of parts.entries()) {
    if (p.length !== 3) throw new DatasetFormatError(location, `${images[i].name}: expected <split>/<class>/<image>, e.g. train/cat/0001.jpg`);
    const split = SPLIT_NAMES[p[0].toLowerCase()];
    if (!split) throw new DatasetFormatError(location, `${images[i].name}: unknown split folder "${p[0]}" (use train and test)`);
    entries.push({ split, className: p[1], file: images[i] });
  }
  const train = entries.filter((e) => e.split === "train");
  const test = entries.filter((e) => e.split === "test");
  if (!train.length) throw new DatasetFormatError(location, "no training images (a train/ folder is required)");
  if (!test.length) throw new DatasetFormatError(location, "no test images (a test/ folder is required: accuracy is measured on held-out data)");
  const classes = [...new Set(train.map((e) => e.className))].sort();
  if (classes.length < 2) throw new DatasetFormatError(location, `only one class folder (${classes[0]}); at least two are needed`);
  if (classes.length > 256) throw new DatasetFormatError(location, `${classes.length} classes; at most 256 are supported`);
  const unknown = [...new Set(test.filter((e) => !classes.includes(e.className)).map((e) => e.className))];
  if (unknown.length) throw new DatasetFormatError(location, `test classes with no training images: ${unknown.join(", ")}`);
  return { classes, train, test };
}

/** Decoded pixels of one image at the target size and channel count. */
async function decode(entry: FolderEntry, shape: [number, number, number], resize: boolean, location: string): Promise<Uint8Array> {
  const [h, w, c] = shape;
  // A few KB of PNG can declare a gigapixel image (a decompression bomb): sharp refuses it from the header.
  const maxPixels = unpackLimits().maxImagePixels;
  try {
    let image = sharp(entry.file.data, { failOn: "error", limitInputPixels: maxPixels });
    image = c === 1 ? image.grayscale() : image.removeAlpha().toColourspace("srgb");
    if (resize) image = image.resize(w, h, { fit: "fill" });
    const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
    if (info.width !== w || info.height !== h) {
      throw new DatasetFormatError(location, `${entry.file.name} is ${info.width}×${info.height}, others are ${w}×${h} (register the dataset with an inputShape to resize)`);
    }
    if (info.channels !== c) throw new DatasetFormatError(location, `${entry.file.name}: decoded to ${info.channels} channels, expected ${c}`);
    return data;
  } catch (e) {
    if (e instanceof DatasetFormatError) throw e;
    if (/pixel limit/i.test((e as Error).message)) throw tooManyPixels(`${location}: ${entry.file.name}`, maxPixels);
    throw new DatasetFormatError(location, `${entry.file.name} cannot be decoded (${(e as Error).message})`);
  }
}

/** The shape of the first training image: its size, and 1 channel if it is greyscale, else 3. */
export async function probeShape(entry: FolderEntry, location: string): Promise<[number, number, number]> {
  try {
    const meta = await sharp(entry.file.data).metadata();
    if (!meta.width || !meta.height) throw new Error("no size in the header");
    const maxPixels = unpackLimits().maxImagePixels;
    if (meta.width * meta.height > maxPixels) throw tooManyPixels(`${location}: ${entry.file.name}`, maxPixels);
    const grey = meta.channels !== undefined && meta.channels <= 2;
    return [meta.height, meta.width, grey ? 1 : 3];
  } catch (e) {
    if (e instanceof DatasetFormatError) throw e;
    throw new DatasetFormatError(location, `${entry.file.name} cannot be read (${(e as Error).message})`);
  }
}

async function decodeSplit(entries: FolderEntry[], classes: string[], shape: [number, number, number], resize: boolean, location: string, concurrency: number): Promise<ImageSplit> {
  const size = shape[0] * shape[1] * shape[2];
  const images = new Uint8Array(entries.length * size);
  const labels = new Uint8Array(entries.length);
  const classIndex = new Map(classes.map((c, i) => [c, i]));
  let next = 0;
  const worker = async () => {
    while (next < entries.length) {
      const i = next++;
      images.set(await decode(entries[i], shape, resize, location), i * size);
      labels[i] = classIndex.get(entries[i].className)!;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { images, labels, count: entries.length, shape };
}

export async function loadImageFolder(location: string, opts: ImageFolderOptions = {}): Promise<LoadedDataset> {
  const files = await readArchive(location, (name) => IMAGE_EXTENSIONS.test(name));
  const layout = folderLayout(files, location);
  const shape = opts.inputShape ?? (await probeShape(layout.train[0], location));
  const concurrency = opts.concurrency ?? 16;
  const train = await decodeSplit(layout.train, layout.classes, shape, !!opts.inputShape, location, concurrency);
  const test = await decodeSplit(layout.test, layout.classes, shape, !!opts.inputShape, location, concurrency);
  return { id: "image-folder", classes: layout.classes, train, test };
}

export interface ImageFolderSummary {
  classes: string[];
  trainCount: number;
  testCount: number;
  inputShape: [number, number, number];
}

/**
 * A quick check for registration: the layout, and the first image of every class of every split decoded at the
 * target shape. The full decode (and its cache) happens on first use, still before any training.
 */
export async function inspectImageFolder(location: string, opts: ImageFolderOptions = {}): Promise<ImageFolderSummary> {
  const files = await readArchive(location, (name) => IMAGE_EXTENSIONS.test(name));
  const layout = folderLayout(files, location);
  const shape = opts.inputShape ?? (await probeShape(layout.train[0], location));
  const samples = new Map<string, FolderEntry>();
  for (const e of [...layout.train, ...layout.test]) if (!samples.has(`${e.split}/${e.className}`)) samples.set(`${e.split}/${e.className}`, e);
  for (const e of samples.values()) await decode(e, shape, !!opts.inputShape, location);
  return { classes: layout.classes, trainCount: layout.train.length, testCount: layout.test.length, inputShape: shape };
}
