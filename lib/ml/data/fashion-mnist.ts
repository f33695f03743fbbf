// Fashion-MNIST (Xiao et al., 2017) from Debian's dataset-fashion-mnist package, or any directory holding
// the four IDX files of an MNIST-family dataset (MNIST, KMNIST, EMNIST, Fashion-MNIST). File names vary
// between distributions (train-images-idx3-ubyte.gz, train-images.idx3-ubyte, emnist-digits-train-images-…),
// so they are matched by pattern rather than by one exact name.
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { DEFAULT_DATA_DIR, env } from "../../env";
import { DatasetFormatError, readIdxFile } from "./idx";
import type { ImageSplit, LoadedDataset } from "./types";

export const FASHION_MNIST_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

/** Where Debian's dataset-fashion-mnist package puts the files (loadFashionMnist looks under DATA_DIR). */
export const DEFAULT_FASHION_MNIST_DIR = path.join(DEFAULT_DATA_DIR, "fashion-mnist");

type SplitPrefix = "train" | "t10k";

function filePattern(prefix: SplitPrefix, what: "images" | "labels"): RegExp {
  const split = prefix === "train" ? "train" : "(?:t10k|test)";
  const rank = what === "images" ? 3 : 1;
  return new RegExp(`(?:^|[-_.])${split}[-_.]${what}[-_.]idx${rank}[-_.]ubyte(?:\\.gz)?$`, "i");
}

function findFile(dir: string, prefix: SplitPrefix, what: "images" | "labels"): string {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new DatasetFormatError(dir, "not a directory (install Debian's dataset-fashion-mnist or set DATA_DIR)");
  }
  const pattern = filePattern(prefix, what);
  const matches = readdirSync(dir).filter((f) => pattern.test(f)).sort();
  // Prefer the uncompressed file when both are present (no gunzip needed).
  const best = matches.find((f) => !f.endsWith(".gz")) ?? matches[0];
  if (!best) {
    const expected = `${prefix}-${what}-idx${what === "images" ? 3 : 1}-ubyte[.gz]`;
    throw new DatasetFormatError(path.join(dir, expected), "missing (install Debian's dataset-fashion-mnist or set DATA_DIR)");
  }
  return path.join(dir, best);
}

export function readIdxSplit(dir: string, prefix: SplitPrefix): ImageSplit {
  const imagesFile = findFile(dir, prefix, "images");
  const labelsFile = findFile(dir, prefix, "labels");
  const images = readIdxFile(imagesFile);
  const labels = readIdxFile(labelsFile);
  if (images.shape.length !== 3) throw new DatasetFormatError(imagesFile, `expected rank 3 images, got rank ${images.shape.length}`);
  if (labels.shape.length !== 1) throw new DatasetFormatError(labelsFile, `expected rank 1 labels, got rank ${labels.shape.length}`);
  if (images.shape[0] !== labels.shape[0]) {
    throw new DatasetFormatError(labelsFile, `${labels.shape[0]} labels for ${images.shape[0]} images`);
  }
  return { images: images.data, labels: labels.data, count: images.shape[0], shape: [images.shape[1], images.shape[2], 1] };
}

/** Any MNIST-family directory; class names default to the label values ("0".."9"). */
export function loadIdxDirectory(dir: string, classes?: string[]): LoadedDataset {
  const train = readIdxSplit(dir, "train");
  const test = readIdxSplit(dir, "t10k");
  if (train.shape[0] !== test.shape[0] || train.shape[1] !== test.shape[1]) {
    throw new DatasetFormatError(dir, `train images are ${train.shape[0]}×${train.shape[1]} but test images are ${test.shape[0]}×${test.shape[1]}`);
  }
  let maxLabel = 0;
  for (const l of train.labels) if (l > maxLabel) maxLabel = l;
  return { id: "idx", classes: classes ?? Array.from({ length: maxLabel + 1 }, (_, i) => String(i)), train, test };
}

export function loadFashionMnist(dir = path.join(env().DATA_DIR, "fashion-mnist")): LoadedDataset {
  return { ...loadIdxDirectory(dir, FASHION_MNIST_CLASSES), id: "fashion-mnist" };
}
