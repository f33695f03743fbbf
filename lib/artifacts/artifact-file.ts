// Which file an artifact download sends: found by the artifact's id, its path from the database row (never from
// the request), its content type from its kind.
import type { Db } from "../db";
import { notFound } from "../errors";
import type { StoredFile } from "../http/download";
import { artifactFile, type ArtifactKind } from "./store-artifact";

const CONTENT_TYPES: Record<ArtifactKind, string> = {
  "onnx-fp32": "application/octet-stream",
  "onnx-int8": "application/octet-stream",
  tfjs: "application/json",
  "model-card": "application/json",
  "model-card-md": "text/markdown; charset=utf-8",
};

export async function findArtifactFile(db: Db, id: string): Promise<StoredFile> {
  const artifact = await db.artifact.findUnique({ where: { id } });
  if (!artifact) throw notFound("Artifact");
  return {
    path: artifactFile(artifact.path),
    fileName: artifact.fileName,
    contentType: CONTENT_TYPES[artifact.kind as ArtifactKind] ?? "application/octet-stream",
    sha256: artifact.sha256,
  };
}
