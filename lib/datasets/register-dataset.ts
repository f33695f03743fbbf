// Registering a dataset: validate its files, then store one Dataset row. Ids are slugs of the name, so a
// second dataset of the same name is a 409 rather than a silent replacement.
import type { Db } from "../db";
import { AppError } from "../errors";
import { resolveDatasetLocation } from "./dataset-roots";
import { inspectDataset } from "./inspect-dataset";
import type { RegisterDataset } from "./schemas";

export function datasetIdOf(name: string): string {
  return name.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60);
}

export async function assertNameFree(db: Db, name: string): Promise<string> {
  const id = datasetIdOf(name);
  if (await db.dataset.findUnique({ where: { id } })) throw new AppError("conflict", `a dataset with id "${id}" already exists; choose another name`);
  return id;
}

/** Validates and stores a dataset whose files are already on the server (`location` was checked by the caller or is checked here). */
export async function registerDataset(db: Db, input: RegisterDataset, opts: { trustedLocation?: boolean } = {}) {
  const id = await assertNameFree(db, input.name);
  const location = opts.trustedLocation ? input.location : resolveDatasetLocation(input.location);
  const summary = await inspectDataset({ ...input, location });
  return db.dataset.create({
    data: { id, name: input.name, kind: input.kind, location, classes: summary.classes, trainCount: summary.trainCount, testCount: summary.testCount, inputShape: summary.inputShape },
  });
}
