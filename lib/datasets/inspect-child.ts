// The process that reads a dataset's files for registration (started by inspect-in-child.ts). Decoding archives,
// gzip and images is CPU- and memory-heavy and is where an archive bomb would go off, so it happens here and not
// on the web server's event loop: whatever the files do, the server keeps answering.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { AppError } from "../errors";
import { readArchive } from "../ml/data/archive";
import { asAppError } from "./dataset-file-errors";
import { inspectDataset, type InspectInput } from "./inspect-dataset";

export interface InspectRequest extends InspectInput {
  /** IDX and CIFAR-10 binary uploads: unpack this archive flat into `location` first. */
  unpackFrom?: string;
}
export type InspectReply = { ok: true; summary: Awaited<ReturnType<typeof inspectDataset>> } | { ok: false; code: AppError["code"]; message: string };

/** Base names only: nothing in the archive can land outside `dir`. */
async function unpackFlat(archive: string, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  for (const f of await readArchive(archive)) writeFileSync(path.join(dir, path.basename(f.name)), f.data);
}

async function handle(request: InspectRequest): Promise<InspectReply> {
  try {
    if (request.unpackFrom) await unpackFlat(request.unpackFrom, request.location);
    return { ok: true, summary: await inspectDataset(request) };
  } catch (e) {
    const error = asAppError(e);
    if (error instanceof AppError) return { ok: false, code: error.code, message: error.message };
    console.error("[inspect-child] unexpected error:", e);
    return { ok: false, code: "internal", message: "Reading the dataset failed unexpectedly; it has been logged." };
  }
}

process.once("message", (request: InspectRequest) => {
  void handle(request).then((reply) => process.send!(reply, () => process.exit(0)));
});
