// INT8 on a real trained model, through the real queue, worker, database and onnxruntime-node: the stage passes
// on fidelity (ORT vs the tfjs simulation of the same quantization) while what INT8 costs is reported, and a
// wrong simulation or a corrupted scale in the file is what fails.
import { readFileSync } from "node:fs";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { useWorkerProcess } from "../../test/fixtures";
import { artifactFile, stageModelDir } from "../artifacts/store-artifact";
import { db } from "../db";
import { createExperiment } from "../experiments/create-experiment";
import { syntheticDataset } from "../ml/data/synthetic";
import { loadModel } from "../ml/model-io";
import { splitAsFloat } from "../ml/tensors";
import { calibrate } from "../onnx/calibrate";
import { exportOnnxWithPlan, type QuantizationPlan } from "../onnx/export";
import { OnnxVerificationError, verifyInt8 } from "../onnx/verify";
import { CreateExperiment } from "../schemas/experiment";

describe("INT8 fidelity is judged apart from quantization loss", () => {
  beforeAll(async () => {
    await tf.setBackend("cpu");
  });

  it("the INT8 stage passes fidelity and reports its accuracy cost; a wrong simulation or a corrupted file fails", async () => {
    const input = CreateExperiment.parse({
      name: "int8 fidelity", datasetId: "synthetic", architecture: "small-cnn", training: { epochs: 3, batchSize: 32 }, seed: 4,
      pipeline: [{ technique: "baseline", params: {} }, { technique: "quantize", params: { mode: "ptq", calibrationImages: 128 } }],
    });
    const { runId } = await createExperiment(db(), input);
    const run = await waitForEnd(runId);
    expect(run.error, worker.output()).toBeNull();
    expect(run.status).toBe("succeeded");

    const [baseline, int8] = run.stages;
    expect(baseline.speedup).toBeNull();
    expect(int8.precision).toBe("int8");
    const details = int8.details as { int8Fidelity: { images: number; top1Agreement: number }; quantizationCost: { images: number; fp32Accuracy: number; int8Accuracy: number; accuracyDrop: number } };
    expect(details.int8Fidelity.top1Agreement).toBeGreaterThanOrEqual(0.99);
    const test = syntheticDataset({ classes: 4 }).test;
    expect(details.quantizationCost.images).toBe(test.count); // the full test split
    expect(details.quantizationCost.int8Accuracy).toBeCloseTo(int8.accuracy!, 10);
    expect(details.quantizationCost.accuracyDrop).toBeCloseTo(details.quantizationCost.fp32Accuracy - details.quantizationCost.int8Accuracy, 10);
    // Paired latency against the baseline's file: a median inside its own spread.
    expect(int8.speedup).toBeGreaterThan(0);
    expect(int8.speedupLow!).toBeLessThanOrEqual(int8.speedup!);
    expect(int8.speedupHigh!).toBeGreaterThanOrEqual(int8.speedup!);
    const card = JSON.parse(readFileSync(artifactFile(run.artifacts.find((a) => a.stageIndex === 1 && a.kind === "model-card")!.path), "utf8"));
    expect(card.stages.at(-1).metrics.int8AccuracyDropPp).toBeCloseTo(details.quantizationCost.accuracyDrop * 100, 10);

    // The trained INT8 stage model, quantized again here so the plan is at hand: the simulation agrees with ORT…
    const model = await loadModel(stageModelDir(runId, 1));
    const data = syntheticDataset({ classes: 4 });
    const quantization = await calibrate(model, splitAsFloat(data.train, 128).images, { method: "minmax" });
    const { bytes, plan } = exportOnnxWithPlan(model, { precision: "int8", quantization });
    const { images, shape } = splitAsFloat(test);
    const ok = await verifyInt8(model, bytes, plan!, images, shape);
    expect(ok.top1Agreement).toBeGreaterThanOrEqual(0.99);
    // …a simulation on the wrong grids (scales 1/8 of the file's) does not…
    const wrongPlan: QuantizationPlan = { ...plan!, activations: new Map([...plan!.activations].map(([k, qp]) => [k, { ...qp, scale: qp.scale / 8 }])) };
    await expect(verifyInt8(model, bytes, wrongPlan, images, shape)).rejects.toThrow(OnnxVerificationError);
    // …and neither does a file written with a corrupted scale (every range 1/8 of the calibrated one).
    const narrow = Object.fromEntries(Object.entries(quantization.activationRanges).map(([k, r]) => [k, { min: r.min / 8, max: r.max / 8 }]));
    const corrupted = exportOnnxWithPlan(model, { precision: "int8", quantization: { ...quantization, activationRanges: narrow } }).bytes;
    await expect(verifyInt8(model, corrupted, plan!, images, shape)).rejects.toThrow(/disagrees with a tfjs simulation/);
    model.dispose();
  });
});

async function waitForEnd(runId: string) {
  const deadline = Date.now() + 170_000;
  for (;;) {
    const run = await db().run.findUniqueOrThrow({ where: { id: runId }, include: { stages: { orderBy: { index: "asc" } }, artifacts: true } });
    if (["succeeded", "failed", "cancelled"].includes(run.status)) return run;
    if (Date.now() > deadline) throw new Error(`run ${runId} still ${run.status}: ${worker.output()}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

// The worker of every test in this file (module-level: the helpers below read its output).
const worker = useWorkerProcess();
