// Where a training loop keeps its state between epochs, so a killed worker resumes instead of retraining. The
// loop and the techniques only see this contract (lib/pipeline/checkpoint.ts stores it on disk, per stage); a key
// names one piece of training inside a stage ("train", "nas-proxy/<candidate>/rung-1", …).
import * as tf from "@tensorflow/tfjs";

export interface Saved {
  /** Plain JSON: epoch, step, search results… */
  meta: Record<string, unknown>;
  /** The caller disposes them. */
  tensors: tf.NamedTensorMap;
}

export interface CheckpointStore {
  /** The last state saved under `key`, or null. */
  load(key: string): Promise<Saved | null>;
  /** Replaces the state under `key` atomically (a crash mid-save leaves the previous one). */
  save(key: string, meta: Record<string, unknown>, tensors: tf.NamedTensorMap): Promise<void>;
}

/** A store in memory (unit tests, and callers that need no resume). */
export function memoryCheckpointStore(): CheckpointStore & { keys(): string[] } {
  const saved = new Map<string, { meta: string; tensors: tf.NamedTensorMap }>();
  return {
    keys: () => [...saved.keys()],
    async load(key) {
      const s = saved.get(key);
      if (!s) return null;
      return { meta: JSON.parse(s.meta), tensors: Object.fromEntries(Object.entries(s.tensors).map(([k, t]) => [k, t.clone()])) };
    },
    async save(key, meta, tensors) {
      const old = saved.get(key);
      saved.set(key, { meta: JSON.stringify(meta), tensors: Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, tf.keep(t.clone())])) });
      if (old) tf.dispose(Object.values(old.tensors));
    },
  };
}
