// Downloads an artifact by id. The file's path comes from the database row, never from the request.
import { createReadStream, statSync } from "node:fs";
import { Readable } from "node:stream";
import { artifactFile } from "@/lib/artifacts/store-artifact";
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { route } from "@/lib/http/route";
import { ArtifactIdParams as Params } from "@/lib/schemas/artifact";

const CONTENT_TYPES: Record<string, string> = {
  "onnx-fp32": "application/octet-stream",
  "onnx-int8": "application/octet-stream",
  tfjs: "application/json",
  "model-card": "application/json",
  "model-card-md": "text/markdown; charset=utf-8",
};

export const GET = route({ params: Params }, async ({ params, request }) => {
  const artifact = await db().artifact.findUnique({ where: { id: params.id } });
  if (!artifact) throw notFound("Artifact");
  const file = artifactFile(artifact.path);
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw notFound("Artifact file");
  }
  const etag = `"${artifact.sha256}"`;
  const headers = {
    "Content-Type": CONTENT_TYPES[artifact.kind] ?? "application/octet-stream",
    "Content-Disposition": `attachment; filename="${artifact.fileName.replace(/[^\w.-]/g, "_")}"`,
    ETag: etag,
    "Cache-Control": "private, max-age=0, must-revalidate",
    "X-Content-Type-Options": "nosniff",
  };
  if (request.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers });
  const body = Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>;
  return new Response(body, { headers: { ...headers, "Content-Length": String(size) } });
});
