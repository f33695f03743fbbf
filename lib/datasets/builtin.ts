// Datasets that come with the machine: registered in the database at start-up where their files exist.
//  - Fashion-MNIST from Debian's dataset-fashion-mnist (DATA_DIR/fashion-mnist).
//  - CIFAR-10 as the JPEG image folder cifar10-jpeg.tar.gz (CIFAR10_PATH, else ../shared/datasets next to the
//    repository, else DATA_DIR). Decoded once on first use, then read from the binary cache.
import { existsSync } from "node:fs";
import path from "node:path";
import type { Db } from "../db";
import { env } from "../env";
import { CIFAR10_CLASSES } from "../ml/data/cifar10-bin";
import { FASHION_MNIST_CLASSES } from "../ml/data/fashion-mnist";
import type { DatasetKind } from "../ml/data/dataset-kinds";

export interface DatasetInfo {
  id: string;
  name: string;
  kind: DatasetKind;
  location: string;
  classes: string[];
  trainCount: number;
  testCount: number;
  inputShape: [number, number, number];
}

const CIFAR10_ARCHIVE = "cifar10-jpeg.tar.gz";

/** Where the CIFAR-10 JPEG archive is on this machine, if anywhere. */
export function findCifar10Archive(dataDir = env().DATA_DIR): string | undefined {
  const candidates = [
    env().CIFAR10_PATH,
    // The repository is started from its root (npm start, the worker, the scripts).
    path.resolve(process.cwd(), "..", "shared", "datasets", CIFAR10_ARCHIVE),
    path.join(dataDir, CIFAR10_ARCHIVE),
  ];
  return candidates.find((c): c is string => !!c && existsSync(c));
}

export function builtinDatasets(dataDir = env().DATA_DIR): DatasetInfo[] {
  const datasets: DatasetInfo[] = [
    {
      id: "fashion-mnist",
      name: "Fashion-MNIST",
      kind: "fashion-mnist",
      location: path.join(dataDir, "fashion-mnist"),
      classes: FASHION_MNIST_CLASSES,
      trainCount: 60_000,
      testCount: 10_000,
      inputShape: [28, 28, 1],
    },
  ];
  const cifar = findCifar10Archive(dataDir);
  if (cifar) {
    datasets.push({
      id: "cifar10",
      name: "CIFAR-10",
      kind: "image-folder",
      location: path.resolve(cifar),
      // The image-folder loader orders classes alphabetically, which is also CIFAR-10's own order.
      classes: CIFAR10_CLASSES,
      trainCount: 50_000,
      testCount: 10_000,
      inputShape: [32, 32, 3],
    });
  }
  return datasets;
}

/** Upserts the built-in datasets whose files are present; returns the ids registered. */
export async function registerBuiltinDatasets(db: Db, dataDir?: string): Promise<string[]> {
  const present = builtinDatasets(dataDir).filter((d) => existsSync(d.location));
  for (const d of present) {
    const { id, ...fields } = d;
    await db.dataset.upsert({ where: { id }, create: d, update: fields });
  }
  return present.map((d) => d.id);
}
