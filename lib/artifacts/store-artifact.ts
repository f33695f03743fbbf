// Artifacts live under ARTIFACT_DIR/<runId>/ with paths the server makes; rows record size and sha256.
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Db } from "../db";
import { env } from "../env";

export type ArtifactKind = "onnx-fp32" | "onnx-int8" | "tfjs" | "model-card" | "model-card-md";

export function runArtifactDir(runId: string): string {
  return path.resolve(env().ARTIFACT_DIR, runId);
}

/**
 * The finished model of a stage (a tfjs model directory), which later stages, a resumed job and other runs'
 * distillation start from. Only a path: the web server checks a teacher exists without loading TensorFlow.js.
 */
export const stageModelDir = (runId: string, stageIndex: number) => path.join(runArtifactDir(runId), `stage-${stageIndex}`, "tfjs");

/** Writes a file for a run's stage and records it (replacing the same kind on a retried stage). */
export async function storeArtifact(
  db: Db,
  a: { runId: string; stageIndex: number; kind: ArtifactKind; fileName: string; data: Uint8Array },
) {
  const relative = path.join(a.runId, `stage-${a.stageIndex}`, a.fileName);
  const absolute = path.resolve(env().ARTIFACT_DIR, relative);
  mkdirSync(path.dirname(absolute), { recursive: true });
  writeFileSync(absolute, a.data);
  const sha256 = createHash("sha256").update(a.data).digest("hex");
  const fields = { fileName: a.fileName, path: relative, bytes: a.data.byteLength, sha256 };
  return db.artifact.upsert({
    where: { runId_stageIndex_kind: { runId: a.runId, stageIndex: a.stageIndex, kind: a.kind } },
    create: { runId: a.runId, stageIndex: a.stageIndex, kind: a.kind, ...fields },
    update: fields,
  });
}

/** The absolute path of a stored artifact; the relative path comes from the database, never a request. */
export function artifactFile(relativePath: string): string {
  const root = path.resolve(env().ARTIFACT_DIR);
  const absolute = path.resolve(root, relativePath);
  if (!absolute.startsWith(root + path.sep)) throw new Error(`artifact path escapes ARTIFACT_DIR: ${relativePath}`);
  return absolute;
}
