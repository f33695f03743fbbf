// Loads a registered dataset's files by kind. Every format problem throws DatasetFormatError before any
// training starts (the pipeline treats it as permanent: retrying cannot fix a bad file).
import { loadCifar10Bin } from "./cifar10-bin";
import { cacheFile, cached, readDatasetCache } from "./dataset-cache";
import { loadFashionMnist, loadIdxDirectory } from "./fashion-mnist";
import { DATASET_KINDS } from "./dataset-kinds";
import { DatasetFormatError } from "./idx";
import { loadImageFolder } from "./image-folder";
import { syntheticDataset } from "./synthetic";
import type { ImageSplit, LoadedDataset } from "./types";


export interface DatasetDescriptor {
  id: string;
  kind: string;
  location: string;
  classes: string[];
  /** [h, w, c] the dataset was registered with; image folders are decoded (and resized) to it. */
  inputShape?: unknown;
  /** Where decoded image folders are cached (default DATA_CACHE_DIR or ./data/cache). */
  cacheDir?: string;
}

function targetShape(d: DatasetDescriptor): [number, number, number] | undefined {
  const s = d.inputShape;
  return Array.isArray(s) && s.length === 3 && s.every((v) => Number.isInteger(v) && v > 0) ? (s as [number, number, number]) : undefined;
}

function checkSplit(split: ImageSplit, numClasses: number, where: string, which: string): void {
  if (split.count === 0) throw new DatasetFormatError(where, `the ${which} split is empty`);
  const size = split.shape[0] * split.shape[1] * split.shape[2];
  if (split.images.length !== split.count * size) throw new DatasetFormatError(where, `the ${which} split holds ${split.images.length} pixels for ${split.count} images of ${split.shape.join("×")}`);
  if (split.labels.length !== split.count) throw new DatasetFormatError(where, `the ${which} split has ${split.labels.length} labels for ${split.count} images`);
  for (let i = 0; i < split.count; i++) {
    if (split.labels[i] >= numClasses) throw new DatasetFormatError(where, `${which} example ${i} has label ${split.labels[i]}, but the dataset has ${numClasses} classes`);
  }
}

/** The checks every loaded dataset passes, whatever its format: counts, shapes and labels agree. */
export function validateDataset(data: LoadedDataset, where: string): LoadedDataset {
  checkSplit(data.train, data.classes.length, where, "train");
  checkSplit(data.test, data.classes.length, where, "test");
  if (data.train.shape.join() !== data.test.shape.join()) {
    throw new DatasetFormatError(where, `train images are ${data.train.shape.join("×")} but test images are ${data.test.shape.join("×")}`);
  }
  return data;
}

/** The registered class names win over the file's when they agree in number (they may be nicer names). */
function withRegistration(data: LoadedDataset, d: DatasetDescriptor): LoadedDataset {
  const classes = d.classes.length >= data.classes.length ? d.classes : data.classes;
  return validateDataset({ ...data, id: d.id, classes }, d.location);
}

function imageFolderCacheFile(d: DatasetDescriptor): string {
  return cacheFile(d.location, { kind: "image-folder", shape: targetShape(d) ?? null }, d.cacheDir);
}

/**
 * Synchronous loading for the formats that need no decoding (and image folders already in the cache).
 * Prefer loadDatasetAsync, which handles every kind.
 */
export function loadDataset(d: DatasetDescriptor): LoadedDataset {
  switch (d.kind) {
    case "fashion-mnist":
      return withRegistration(loadFashionMnist(d.location), d);
    case "idx":
      return withRegistration(loadIdxDirectory(d.location, d.classes.length ? d.classes : undefined), d);
    case "cifar10-bin":
      return withRegistration(loadCifar10Bin(d.location), d);
    case "synthetic": {
      const shape = targetShape(d);
      return { ...syntheticDataset({ classes: d.classes.length, size: shape?.[0] }), id: d.id, classes: d.classes };
    }
    case "image-folder": {
      const hit = readDatasetCache(imageFolderCacheFile(d));
      if (hit) return withRegistration(hit, d);
      throw new DatasetFormatError(d.location, "image folders are decoded asynchronously: use loadDatasetAsync");
    }
    default:
      throw new DatasetFormatError(d.location, `dataset kind "${d.kind}" is not supported (one of ${DATASET_KINDS.join(", ")})`);
  }
}

/** Loads any kind; image folders are decoded once with sharp and then read from the binary cache. */
export async function loadDatasetAsync(d: DatasetDescriptor): Promise<LoadedDataset> {
  if (d.kind !== "image-folder") return loadDataset(d);
  const data = await cached(imageFolderCacheFile(d), () => loadImageFolder(d.location, { inputShape: targetShape(d) }));
  return withRegistration(data, d);
}
