// Techniques train through the one loop: a stage interrupted after an epoch and applied again with the same
// checkpoint store ends exactly where an uninterrupted stage ends (weights, masks, optimizer moments, schedule).
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { memoryCheckpointStore } from "../ml/checkpoint-store";
import { TrainingCancelled } from "../ml/train";
import { prune } from "./prune";
import { PruneParams } from "./prune.schema";
import { testBackend, testContext, tinyModel } from "./test-util";

beforeAll(async () => {
  await testBackend();
});

const kernels = (m: tf.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));

describe("fineTune: resume through the technique API", () => {
  it("unstructured pruning killed after epoch 1 of 3 resumes to the same weights and masks as an uninterrupted run", async () => {
    const input = tinyModel("bench-cnn", 2);
    // The last masks are made from trained weights at step 6 of 24 (8 steps an epoch), before the kill: only the
    // checkpoint knows them (a resume without them would start again from the step-0 masks and let weights regrow).
    const params = PruneParams.parse({ method: "unstructured", epochs: 3, schedule: { kind: "polynomial_decay", finalSparsity: 0.6, beginStep: 0, endStep: 6, frequency: 3 } });
    const training = { epochs: 3, batchSize: 32, learningRate: 0.003, optimizer: "adamw" as const, weightDecay: 0.01, schedule: { kind: "cosine" as const } };

    const straight = await prune.apply(input, params, testContext(input, { training, checkpoints: memoryCheckpointStore() }).ctx);

    const store = memoryCheckpointStore();
    const controller = new AbortController();
    const killed = testContext(input, {
      training, checkpoints: store, signal: controller.signal,
      onEpochEnd: async (epoch) => void (epoch === 1 && controller.abort()),
    });
    await expect(prune.apply(input, params, killed.ctx)).rejects.toBeInstanceOf(TrainingCancelled);
    const again = testContext(input, { training, checkpoints: store });
    const resumed = await prune.apply(input, params, again.ctx);
    expect(again.lines).toContain("resuming from the checkpoint of epoch 1 (prune)");
    expect(again.epochs).toHaveLength(2);

    const [a, b] = [kernels(straight.model), kernels(resumed.model)];
    const diff = Math.max(...a.map((w, i) => Math.max(...w.map((v, j) => Math.abs(v - b[i][j])))));
    expect(diff).toBeLessThan(1e-5);
    expect(resumed.details?.sparsity).toBe(straight.details?.sparsity);
    expect(resumed.details?.sparsity).toBeCloseTo(0.6, 2);
    tf.dispose(Object.values(await Promise.all(store.keys().map((k) => store.load(k)))).flatMap((s) => Object.values(s!.tensors)));
    [input, straight.model, resumed.model].forEach((m) => m.dispose());
  });
});
