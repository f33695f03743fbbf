// Datasets that come with the machine: registered in the database at start-up where their files exist.
import { existsSync } from "node:fs";
import path from "node:path";
import type { Db } from "../db";
import { env } from "../env";
import { FASHION_MNIST_CLASSES } from "../ml/data/fashion-mnist";

export interface DatasetInfo {
  id: string;
  name: string;
  kind: "fashion-mnist" | "idx" | "cifar10-bin" | "image-folder" | "synthetic";
  location: string;
  classes: string[];
  trainCount: number;
  testCount: number;
  inputShape: [number, number, number];
}

export function builtinDatasets(dataDir = env().DATA_DIR): DatasetInfo[] {
  return [
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
