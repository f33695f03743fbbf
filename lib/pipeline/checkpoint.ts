// A stage's checkpoints on disk, so a job that a dead worker left behind resumes where it stopped: one folder per
// stage, one file per key of lib/ml/checkpoint-store.ts (a training loop's epoch state — weights, optimizer
// moments, step, masks — or a NAS candidate's rung), dropped once the stage has succeeded.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { runArtifactDir } from "../artifacts/store-artifact";
import type { CheckpointStore } from "../ml/checkpoint-store";

const dirOf = (runId: string, stageIndex: number) => path.join(runArtifactDir(runId), "checkpoints", `stage-${stageIndex}`);

/** A readable file name that stays unique for any key (candidate keys hold characters file systems dislike). */
const fileOf = (dir: string, key: string) =>
  path.join(dir, `${key.replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 80)}-${createHash("sha1").update(key).digest("hex").slice(0, 10)}.ckpt`);

/**
 * The checkpoints of one stage. A file is a 4-byte header length, a JSON header (key, meta, weight specs) and the
 * tensors' bytes (tf.io.encodeWeights), written to a temporary file and renamed: a crash leaves the old one whole.
 */
export function stageCheckpoints(runId: string, stageIndex: number): CheckpointStore {
  const dir = dirOf(runId, stageIndex);
  return {
    async load(key) {
      const file = fileOf(dir, key);
      if (!existsSync(file)) return null;
      const bytes = readFileSync(file);
      const headerLength = bytes.readUInt32LE(0);
      const header = JSON.parse(bytes.subarray(4, 4 + headerLength).toString("utf8")) as { meta: Record<string, unknown>; specs: tf.io.WeightsManifestEntry[] };
      const data = bytes.buffer.slice(bytes.byteOffset + 4 + headerLength, bytes.byteOffset + bytes.byteLength);
      return { meta: header.meta, tensors: tf.io.decodeWeights(data, header.specs) };
    },
    async save(key, meta, tensors) {
      mkdirSync(dir, { recursive: true });
      const { data, specs } = await tf.io.encodeWeights(tensors);
      const header = Buffer.from(JSON.stringify({ key, meta, specs }), "utf8");
      const length = Buffer.alloc(4);
      length.writeUInt32LE(header.byteLength, 0);
      const file = fileOf(dir, key);
      writeFileSync(`${file}.tmp`, Buffer.concat([length, header, Buffer.from(data)]));
      renameSync(`${file}.tmp`, file);
    },
  };
}

export function dropCheckpoint(runId: string, stageIndex: number): void {
  rmSync(dirOf(runId, stageIndex), { recursive: true, force: true });
}
