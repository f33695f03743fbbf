// The analyze stage through the real queue, a worker process, the database and onnxruntime-node: it stores its
// per-layer findings, writes no model of its own (no export, no measurements, no artifacts), the stage after it
// reads the model it read, and the findings download as CSV and JSON.
import { describe, expect, it } from "vitest";
import { GET as analysisDownload } from "../../app/api/runs/[id]/stages/[index]/analysis/route";
import { useWorkerProcess, waitFor } from "../../test/fixtures";
import { analysisOf } from "../compress/sensitivity/analysis-report";
import { db } from "../db";
import { createExperiment } from "../experiments/create-experiment";
import { CreateExperiment } from "../schemas/experiment";


const download = (runId: string, index: number, format: "csv" | "json") =>
  analysisDownload(new Request(`http://lab.test/api/runs/${runId}/stages/${index}/analysis?format=${format}`), { params: Promise.resolve({ id: runId, index: String(index) }) });

describe("the analyze stage", () => {
  const worker = useWorkerProcess();

  it("stores per-layer sensitivity and costs, writes no model, and the next stage reads the baseline's", { timeout: 300_000 }, async () => {
    const input = CreateExperiment.parse({
      name: "analyze test", datasetId: "synthetic", architecture: "small-cnn", training: { epochs: 1, batchSize: 32 }, seed: 6,
      pipeline: [
        { technique: "baseline" },
        { technique: "analyze", params: { images: 50, calibrationImages: 32, sparsities: [0.5, 0.9], channelFractions: [0.5], timingRuns: 20 } },
        { technique: "prune", params: { method: "unstructured", schedule: { kind: "constant", finalSparsity: 0.5 }, epochs: 1 } },
      ],
    });
    const { runId } = await createExperiment(db(), input);
    const run = await waitFor("the run to finish", () =>
      db().run.findFirst({ where: { id: runId, status: { in: ["succeeded", "failed"] } }, include: { stages: { orderBy: { index: "asc" } }, artifacts: true } }),
    );
    expect(run.error, worker.output()).toBeNull();
    const [baseline, analysis, pruned] = run.stages;
    expect(analysis.status).toBe("succeeded");
    // Not a model: nothing exported or measured as if it were one.
    expect([analysis.accuracy, analysis.sizeBytes, analysis.latencyP50Ms, analysis.paramCount, analysis.precision]).toEqual([null, null, null, null, null]);
    expect(run.artifacts.filter((a) => a.stageIndex === 1)).toEqual([]);
    // The prune stage after it pruned the baseline's model (same parameter count, half the kernels zero).
    expect(pruned.paramCount).toBe(baseline.paramCount);
    expect(pruned.sparsity).toBeGreaterThan(0.49);

    const report = analysisOf(analysis.details);
    expect(report, JSON.stringify(analysis.details).slice(0, 500)).not.toBeNull();
    expect(report!.images).toBe(50); // the validation split (10 % of the training images) has 51
    const weightLayers = report!.layers.filter((l) => ["Conv2D", "DepthwiseConv2D", "Dense"].includes(l.className));
    expect(weightLayers.length).toBeGreaterThanOrEqual(3);
    for (const l of weightLayers) {
      expect(l.quantization, l.layer).not.toBeNull();
      expect(l.pruning!.curve.map((p) => p.sparsity)).toEqual([0.5, 0.9]);
      expect(l.params).toBeGreaterThan(0);
      expect(l.macs).toBeGreaterThan(0);
    }
    expect(report!.quantization!.ranking.sort()).toEqual(weightLayers.map((l) => l.layer).sort());
    expect(weightLayers.some((l) => l.pruning!.channels)).toBe(true);
    expect(report!.layers.reduce((a, l) => a + l.paramsShare, 0)).toBeCloseTo(1, 9);
    expect(report!.layers.reduce((a, l) => a + l.ortMs, 0)).toBeGreaterThan(0);
    // The FP32 score on validation images, in ORT: a trained 4-class model is well above chance.
    expect(report!.fp32Accuracy).toBeGreaterThan(0.4);

    const csv = await download(runId, 1, "csv");
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toMatch(/text\/csv/);
    const lines = (await csv.text()).trim().split(/\r?\n/);
    expect(lines[0]).toMatch(/^layer,class,params,macs,ort_ms,.*int8_accuracy_drop,int8_output_sqnr_db,accuracy_at_sparsity_0\.5,accuracy_at_sparsity_0\.9,channel_group,accuracy_at_channels_removed_0\.5$/);
    expect(lines.length).toBe(report!.layers.length + 1);
    const json = await download(runId, 1, "json");
    expect((await json.json()).analysis.layers.length).toBe(report!.layers.length);
    // The baseline stage has no analysis; a stage that does not exist is not found either.
    expect((await download(runId, 0, "csv")).status).toBe(404);
    expect((await download(runId, 9, "json")).status).toBe(404);
  });
});
