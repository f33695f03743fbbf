// Responses that hand the client a file to save: the exports (CSV/JSON made on the fly, never cached) and stored
// files (artifacts: streamed from disk, revalidated by ETag). One home for the headers every download carries, so
// each route file only says what it sends.
import { createReadStream, statSync } from "node:fs";
import { Readable } from "node:stream";
import { notFound } from "../errors";

/** A file name safe inside `Content-Disposition: attachment; filename="…"`: no quote, slash or control character. */
export const safeFileName = (name: string) => name.replace(/[^\w.-]+/g, "-");

const attachment = (fileName: string) => ({
  "Content-Disposition": `attachment; filename="${safeFileName(fileName)}"`,
  "X-Content-Type-Options": "nosniff",
});

/** An export made for this request: CSV or JSON, with a file name made from `baseName`. */
export function downloadResponse(body: string | ReadableStream<Uint8Array>, format: "csv" | "json", baseName: string): Response {
  const base = safeFileName(baseName).slice(0, 80) || "export";
  return new Response(body, {
    headers: {
      ...attachment(`${base}.${format}`),
      "Content-Type": format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
      "Cache-Control": "no-store",
    },
  });
}

export interface StoredFile {
  /** Absolute path on the server, made by the server (never from the request). */
  path: string;
  /** The name offered to the browser. */
  fileName: string;
  contentType: string;
  /** The content's SHA-256 (hex): the file's ETag, so a client that has it gets 304 instead of the bytes. */
  sha256: string;
}

/**
 * A stored file, streamed from disk without reading it whole. 304 when the request's If-None-Match is the file's
 * hash; 404 naming `what` when the row exists but the file is gone (a deleted run folder), not a 500.
 */
export function fileResponse(request: Request, file: StoredFile, what = "File"): Response {
  let size: number;
  try {
    size = statSync(file.path).size;
  } catch {
    throw notFound(what);
  }
  const etag = `"${file.sha256}"`;
  const headers = {
    ...attachment(file.fileName),
    "Content-Type": file.contentType,
    ETag: etag,
    "Cache-Control": "private, max-age=0, must-revalidate",
  };
  if (request.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers });
  const body = Readable.toWeb(createReadStream(file.path)) as ReadableStream<Uint8Array>;
  return new Response(body, { headers: { ...headers, "Content-Length": String(size) } });
}
