// Uploading a model: the ONNX file (or TF.js zip) is streamed to a staging folder under ARTIFACT_DIR/models with a byte limit,
// converted and checked on the chosen dataset in a child process, then published by renaming its folder; the row
// is written last, so a failed check leaves nothing behind and two uploads of one name give one 409.
import { closeSync, mkdirSync, mkdtempSync, openSync, readSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import type { Db } from "../db";
import { receiveBody } from "../datasets/upload-dataset";
import { env } from "../env";
import { AppError } from "../errors";
import { inspectModelInChild } from "./inspect-in-child";
import { modelsRoot } from "./model-files";
import { modelFileName, modelFormatOf } from "./model-format";
import { publicModel } from "./public-model";
import type { UploadModelQuery } from "./schemas";

const taken = (name: string) => new AppError("conflict", `a model named "${name}" already exists; choose another name`);

export async function uploadModel(db: Db, request: Request, query: UploadModelQuery) {
  const { name, datasetId, testImages, ...preprocessing } = query;
  if (await db.model.findUnique({ where: { name } })) throw taken(name);
  const dataset = await db.dataset.findUnique({ where: { id: datasetId } });
  if (!dataset) throw new AppError("not_found", `dataset "${datasetId}" not found (GET /api/datasets lists them)`);
  mkdirSync(modelsRoot(), { recursive: true });
  let folder = mkdtempSync(path.join(modelsRoot(), ".incoming-"));
  try {
    const received = path.join(folder, "upload");
    await receiveBody(request, received, env().MODEL_UPLOAD_MAX_BYTES, "MODEL_UPLOAD_MAX_BYTES");
    // ONNX, or a TF.js Layers model zipped: told by the first bytes, not by a name the client chose.
    const format = modelFormatOf(head(received));
    const file = path.join(folder, modelFileName[format]);
    renameSync(received, file);
    const summary = await inspectModelInChild({
      file,
      dataset: { id: dataset.id, kind: dataset.kind, location: dataset.location, classes: dataset.classes as string[], inputShape: dataset.inputShape },
      preprocessing,
      testImages,
    });
    const published = path.join(modelsRoot(), path.basename(folder).replace(/^\.incoming-/, ""));
    renameSync(folder, published);
    folder = published;
    const { hint, ...s } = summary;
    try {
      const row = await db.model.create({
        data: {
          name, format, path: path.relative(path.resolve(env().ARTIFACT_DIR), path.join(published, modelFileName[format])),
          sha256: s.sha256, bytes: s.bytes, inputShape: s.inputShape, layout: s.layout, preprocessing, classes: s.classes,
          params: s.params, macs: s.macs, operators: s.operators, techniques: JSON.parse(JSON.stringify(s.techniques)), check: { ...s.check }, accuracy: s.accuracy,
          testImages: s.testImages, datasetId,
        },
      });
      return publicModel(row, hint);
    } catch (e) {
      if ((e as { code?: string }).code === "P2002") throw taken(name);
      throw e;
    }
  } catch (e) {
    rmSync(folder, { recursive: true, force: true });
    throw e;
  }
}

function head(file: string): Uint8Array {
  const bytes = new Uint8Array(4);
  const fd = openSync(file, "r");
  try {
    readSync(fd, bytes, 0, 4, 0);
  } finally {
    closeSync(fd);
  }
  return bytes;
}
