// The run's training settings reach every stage: each training stage records the optimizer it really built (tfjs'
// own class and config) and the loop's regularisation, and its learning rate follows the run's schedule.
import { describe, expect, it } from "vitest";
import { useWorkerProcess, waitFor } from "../../test/fixtures";
import { db } from "../db";
import { createExperiment } from "../experiments/create-experiment";
import { CreateExperiment } from "../schemas/experiment";


/** Every technique that trains, each branching from the baseline. */
const pipeline = [
  { technique: "baseline" },
  { technique: "distill", from: 0, params: { student: "small-cnn" } },
  { technique: "prune", from: 0, params: { method: "unstructured", schedule: { kind: "constant", finalSparsity: 0.5 } } },
  { technique: "prune", from: 0, params: { method: "structured", channelFraction: 0.3 } },
  { technique: "cluster", from: 0, params: { clusters: 8 } },
  { technique: "quantize", from: 0, params: { mode: "qat", calibrationImages: 64 } },
  { technique: "nas", from: 0, params: { candidates: 2, proxyImages: 128, widths: [0.35], depths: [1], kernels: [3], expansions: [2, 4], budget: { kind: "params", max: 200_000 } } },
];

interface Recorded {
  optimizer: string;
  optimizerClass: string;
  optimizerConfig: Record<string, unknown>;
  weightDecay: number;
  decoupledWeightDecay: boolean;
  labelSmoothing: number;
  schedule: { kind: string };
  augment: { cropPadding?: number } | null;
}

// The worker of every test in this file (module-level: the helpers below read its output).
const worker = useWorkerProcess();

async function runWith(training: Record<string, unknown>, seed: number) {
  const input = CreateExperiment.parse({ name: `settings ${training.optimizer}`, datasetId: "synthetic", architecture: "small-cnn", training, pipeline, seed });
  const { runId } = await createExperiment(db(), input);
  const run = await waitFor("the run to finish", () => db().run.findFirst({ where: { id: runId, status: { in: ["succeeded", "failed"] } }, include: { stages: { orderBy: { index: "asc" } } } }), 400_000);
  expect(run.error, worker.output()).toBeNull();
  const lastRates = await Promise.all(run.stages.map(async (s) =>
    (await db().metricPoint.findFirst({ where: { runId, stageIndex: s.index, name: "learning_rate" }, orderBy: { step: "desc" } }))?.value));
  return { stages: run.stages.map((s) => ({ technique: s.technique, training: (s.details as { training?: Recorded } | null)?.training })), lastRates };
}

describe("the run's training settings reach every stage", () => {

  it("AdamW with weight decay, label smoothing, augmentation and a cosine schedule: in every stage", async () => {
    const lr = 0.004;
    const { stages, lastRates } = await runWith({ epochs: 1, batchSize: 32, learningRate: lr, optimizer: "adamw", weightDecay: 0.02, labelSmoothing: 0.1, augment: { cropPadding: 1 }, schedule: { kind: "cosine" } }, 11);
    expect(stages.map((s) => s.technique)).toEqual(pipeline.map((s) => s.technique));
    for (const [i, s] of stages.entries()) {
      expect(s.training, `stage ${i} (${s.technique})`).toMatchObject({
        optimizer: "adamw", optimizerClass: "Adam", weightDecay: 0.02, decoupledWeightDecay: true, labelSmoothing: 0.1,
        schedule: { kind: "cosine" }, augment: { cropPadding: 1 },
      });
      // the stage's own learning rate where it has one (QAT: 1e-4 by default), the run's elsewhere
      expect(s.training!.optimizerConfig.learningRate, `stage ${i} (${s.technique})`).toBe(s.technique === "quantize" ? 1e-4 : lr);
      // cosine to zero over the loop: the last epoch ends far below the base rate
      expect(lastRates[i], `stage ${i} (${s.technique})`).toBeLessThan((s.technique === "quantize" ? 1e-4 : lr) / 10);
    }
  }, 420_000);

  it("SGD with momentum 0.8 and nesterov, and L2 weight decay: in every stage", async () => {
    const { stages } = await runWith({ epochs: 1, batchSize: 32, learningRate: 0.05, optimizer: "sgd", momentum: 0.8, nesterov: true, weightDecay: 0.001 }, 12);
    for (const [i, s] of stages.entries()) {
      expect(s.training, `stage ${i} (${s.technique})`).toMatchObject({
        optimizer: "sgd", optimizerClass: "Momentum", optimizerConfig: { momentum: 0.8, useNesterov: true },
        weightDecay: 0.001, decoupledWeightDecay: false, labelSmoothing: 0, augment: null,
      });
    }
  }, 420_000);
});
