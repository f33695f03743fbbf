// Registering a dataset: validate its files (in a child process), then store one Dataset row. Ids are slugs of
// the name, so a second dataset of the same name is a 409 rather than a silent replacement — also when two
// requests race for one name: the database's unique id decides, and the loser gets the 409.
import type { Db } from "../db";
import { AppError } from "../errors";
import { slugify } from "../slug";
import { resolveDatasetLocation } from "./dataset-roots";
import type { DatasetSummary } from "./inspect-dataset";
import { inspectInChild } from "./inspect-in-child";
import type { FileDatasetKind } from "../ml/data/dataset-kinds";
import type { RegisterDataset } from "./schemas";

const taken = (id: string) => new AppError("conflict", `a dataset with id "${id}" already exists; choose another name`);

export async function assertNameFree(db: Db, name: string): Promise<string> {
  const id = slugify(name); // never empty: the API's name rule asks for a letter or digit
  if (await db.dataset.findUnique({ where: { id } })) throw taken(id);
  return id;
}

/** Stores the row of a checked dataset; a name taken meanwhile by a concurrent request is a 409. */
export async function createDatasetRow(db: Db, row: { id: string; name: string; kind: FileDatasetKind; location: string; summary: DatasetSummary }) {
  const { id, name, kind, location, summary } = row;
  try {
    return await db.dataset.create({
      data: { id, name, kind, location, classes: summary.classes, trainCount: summary.trainCount, testCount: summary.testCount, inputShape: summary.inputShape },
    });
  } catch (e) {
    if ((e as { code?: string }).code === "P2002") throw taken(id);
    throw e;
  }
}

/** Validates and stores a dataset whose files are already on the server, under one of the dataset roots. */
export async function registerDataset(db: Db, input: RegisterDataset) {
  const id = await assertNameFree(db, input.name);
  const location = resolveDatasetLocation(input.location);
  const summary = await inspectInChild({ kind: input.kind, location, classes: input.classes, inputShape: input.inputShape });
  return createDatasetRow(db, { id, name: input.name, kind: input.kind, location, summary });
}
