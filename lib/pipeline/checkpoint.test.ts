import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";

const artifacts = mkdtempSync(path.join(os.tmpdir(), "lab-checkpoint-"));
process.env.ARTIFACT_DIR = artifacts;

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("stage checkpoints on disk", () => {
  it("round-trip meta and tensors (float32 and int32) under any key, replace atomically, and are dropped with the stage", async () => {
    const { dropCheckpoint, stageCheckpoints } = await import("./checkpoint");
    const store = stageCheckpoints("run-1", 2);
    const key = "nas-proxy/0.35/1/3/2/rung-0";
    expect(await store.load(key)).toBeNull();
    const a = tf.tensor2d([[1, 2], [3, 4.5]]);
    const b = tf.tensor1d([7, -1], "int32");
    await store.save(key, { accuracy: 0.5 }, { a, b });
    await store.save(key, { accuracy: 0.75 }, { a, b }); // replaces
    const before = tf.memory().numTensors;
    const saved = (await store.load(key))!;
    expect(saved.meta).toEqual({ accuracy: 0.75 });
    expect(saved.tensors.a.shape).toEqual([2, 2]);
    expect(Array.from(saved.tensors.a.dataSync())).toEqual([1, 2, 3, 4.5]);
    expect(saved.tensors.b.dtype).toBe("int32");
    expect(Array.from(saved.tensors.b.dataSync())).toEqual([7, -1]);
    tf.dispose(Object.values(saved.tensors));
    expect(tf.memory().numTensors).toBe(before);
    const dir = path.join(artifacts, "run-1", "checkpoints", "stage-2");
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    expect(await stageCheckpoints("run-1", 3).load(key)).toBeNull(); // one folder per stage
    dropCheckpoint("run-1", 2);
    expect(existsSync(dir)).toBe(false);
    tf.dispose([a, b]);
  });
});
