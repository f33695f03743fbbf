// Uploading a dataset: the archive arrives as the raw request body or as the "file" field of a multipart form.
// Either way it is streamed to disk with a byte limit (never held whole in memory), into a staging folder of
// its own, then checked in a child process exactly like a server-path registration. A valid upload is
// published by renaming its folder (atomic) to a name no other upload shares, and the row is written last:
// two uploads of one name never touch each other's files, and the one that loses the race gets a 409.
// Image folders stay archives (the loader reads them directly); IDX and CIFAR-10 binary uploads are unpacked
// into a flat directory, since those loaders read named files.
import { createWriteStream, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import type { Db } from "../db";
import { env } from "../env";
import { AppError } from "../errors";
import { multipartBoundary, multipartFile } from "../http/multipart-file";
import { archiveKind } from "../ml/data/archive";
import { DatasetFormatError } from "../ml/data/idx";
import { uploadDir } from "./dataset-roots";
import { inspectInChild } from "./inspect-in-child";
import { assertNameFree, createDatasetRow } from "./register-dataset";
import type { UploadDatasetQuery } from "./schemas";

const tooLarge = (limit: number, variable = "DATASET_UPLOAD_MAX_BYTES") => new AppError("payload_too_large", `The upload is larger than the limit of ${limit} bytes (${variable})`);

/** Streams `body` into `file`, failing with 413 as soon as `limit` bytes are exceeded. */
async function saveStream(body: AsyncIterable<Uint8Array>, file: string, limit: number, variable?: string): Promise<void> {
  let size = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      done(size > limit ? tooLarge(limit, variable) : null, chunk);
    },
  });
  await pipeline(Readable.from(body), counter, createWriteStream(file));
}

/** The uploaded file's bytes (raw body or multipart "file"), written to `file`; also used by the model upload. */
export async function receiveBody(request: Request, file: string, limit: number, variable?: string): Promise<void> {
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (declared > limit) throw tooLarge(limit, variable);
  if (!request.body) throw new AppError("bad_request", "The request has no body: send the archive (.tar.gz or .zip)");
  const body = Readable.fromWeb(request.body as unknown as WebReadableStream<Uint8Array>);
  const type = request.headers.get("content-type") ?? "";
  if (type.toLowerCase().startsWith("multipart/form-data")) {
    const boundary = multipartBoundary(type);
    if (!boundary) throw new AppError("bad_request", "The multipart Content-Type has no boundary");
    await saveStream(multipartFile(body, boundary, "file"), file, limit, variable);
    return;
  }
  await saveStream(body, file, limit, variable);
}

function imageArchiveName(received: string): string {
  let kind: string;
  try {
    kind = archiveKind(received);
  } catch (e) {
    if (e instanceof DatasetFormatError) throw new AppError("unsupported_media_type", "The upload is not a .tar, .tar.gz or .zip archive");
    throw e;
  }
  return kind === "zip" ? "dataset.zip" : kind === "tar" ? "dataset.tar" : "dataset.tar.gz";
}

export async function uploadDataset(db: Db, request: Request, query: UploadDatasetQuery) {
  const id = await assertNameFree(db, query.name);
  mkdirSync(uploadDir(), { recursive: true });
  // Unique per upload (mkdtemp), hidden while incomplete; published as `<id>-<same suffix>`.
  let folder = mkdtempSync(path.join(uploadDir(), `.incoming-${id}-`));
  try {
    const received = path.join(folder, "upload.bin");
    await receiveBody(request, received, env().DATASET_UPLOAD_MAX_BYTES);
    const entry = imageArchiveName(received); // also refuses what is no archive at all, before any child starts
    let relative: string;
    if (query.kind === "image-folder") {
      relative = entry;
      renameSync(received, path.join(folder, relative));
    } else {
      relative = "files";
    }
    const staged = path.join(folder, relative);
    const summary = await inspectInChild({ kind: query.kind, location: staged, inputShape: query.inputShape, unpackFrom: query.kind === "image-folder" ? undefined : received });
    if (query.kind !== "image-folder") rmSync(received);
    const published = path.join(uploadDir(), path.basename(folder).replace(/^\.incoming-/, ""));
    renameSync(folder, published);
    folder = published;
    return await createDatasetRow(db, { id, name: query.name, kind: query.kind, location: path.join(published, relative), summary });
  } catch (e) {
    rmSync(folder, { recursive: true, force: true });
    throw e;
  }
}
