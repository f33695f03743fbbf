// Uploading a dataset: the archive arrives as the raw request body or as the "file" field of a multipart form.
// It is streamed to the upload directory with a byte limit (never held whole in memory for raw bodies), then
// validated exactly like a server-path registration; anything invalid is deleted again and answered with a 4xx.
// Image folders stay archives (the loader reads them directly); IDX and CIFAR-10 binary uploads are unpacked
// into a flat directory, since those loaders read named files.
import { createWriteStream, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import type { Db } from "../db";
import { AppError } from "../errors";
import { archiveKind, readArchive } from "../ml/data/archive";
import { DatasetFormatError } from "../ml/data/idx";
import { uploadDir } from "./dataset-roots";
import { assertNameFree, registerDataset } from "./register-dataset";
import type { UploadDatasetQuery } from "./schemas";

/** DATASET_UPLOAD_MAX_BYTES, default 512 MiB (CIFAR-10 as JPEG is 19 MB; as binary 163 MB). */
export function uploadLimit(): number {
  const v = Number(process.env.DATASET_UPLOAD_MAX_BYTES);
  return Number.isFinite(v) && v > 0 ? v : 512 * 1024 * 1024;
}

const tooLarge = (limit: number) => new AppError("payload_too_large", `The upload is larger than the limit of ${limit} bytes (DATASET_UPLOAD_MAX_BYTES)`);

/** Streams `body` into `file`, failing with 413 as soon as `limit` bytes are exceeded. */
async function saveStream(body: ReadableStream<Uint8Array>, file: string, limit: number): Promise<number> {
  let size = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      done(size > limit ? tooLarge(limit) : null, chunk);
    },
  });
  await pipeline(Readable.fromWeb(body as unknown as WebReadableStream<Uint8Array>), counter, createWriteStream(file));
  return size;
}

/** The uploaded archive's bytes, written to `file`. */
async function receiveBody(request: Request, file: string, limit: number): Promise<void> {
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (declared > limit) throw tooLarge(limit);
  const type = (request.headers.get("content-type") ?? "").toLowerCase();
  if (type.startsWith("multipart/form-data")) {
    // formData() buffers the whole body, so a multipart upload must declare its length up front.
    if (!Number.isFinite(declared)) throw new AppError("bad_request", "A multipart upload needs a Content-Length header (or send the archive as the raw body)");
    const form = await request.formData().catch(() => {
      throw new AppError("bad_request", "The multipart body cannot be parsed");
    });
    const part = form.get("file");
    if (!part || typeof part === "string") throw new AppError("bad_request", 'The multipart form has no "file" field with the archive');
    await saveStream(part.stream(), file, limit);
    return;
  }
  if (!request.body) throw new AppError("bad_request", "The request has no body: send the archive (.tar.gz or .zip)");
  await saveStream(request.body, file, limit);
}

/** IDX and CIFAR-10 binary archives, unpacked flat (base names only: nothing can land outside `dir`). */
async function unpackFlat(archive: string, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  for (const f of await readArchive(archive)) writeFileSync(path.join(dir, path.basename(f.name)), f.data);
}

export async function uploadDataset(db: Db, request: Request, query: UploadDatasetQuery) {
  const id = await assertNameFree(db, query.name);
  const dir = path.join(uploadDir(), id);
  rmSync(dir, { recursive: true, force: true }); // leftovers of an earlier failed upload
  mkdirSync(dir, { recursive: true });
  try {
    const received = path.join(dir, "upload.bin");
    await receiveBody(request, received, uploadLimit());
    let kind: string;
    try {
      kind = archiveKind(received);
    } catch (e) {
      if (e instanceof DatasetFormatError) throw new AppError("unsupported_media_type", "The upload is not a .tar, .tar.gz or .zip archive");
      throw e;
    }
    let location: string;
    if (query.kind === "image-folder") {
      location = path.join(dir, kind === "zip" ? "dataset.zip" : kind === "tar" ? "dataset.tar" : "dataset.tar.gz");
      renameSync(received, location);
    } else {
      location = path.join(dir, "files");
      await unpackFlat(received, location).catch((e) => {
        throw e instanceof DatasetFormatError ? new AppError("unprocessable", `The dataset's files are not valid: ${e.message}`) : e;
      });
      rmSync(received);
    }
    return await registerDataset(db, { name: query.name, kind: query.kind, location, inputShape: query.inputShape }, { trustedLocation: true });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
