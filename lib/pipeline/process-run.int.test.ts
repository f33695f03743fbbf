// A run through the real queue, a real worker process, the real database and onnxruntime-node.
import { describe, expect, it } from "vitest";
import * as ort from "onnxruntime-node";
import { GET as events } from "../../app/api/runs/[id]/events/route";
import { GET as download } from "../../app/api/artifacts/[id]/route";
import { useWorkerProcess, waitFor } from "../../test/fixtures";
import { db } from "../db";
import { createExperiment } from "../experiments/create-experiment";
import { syntheticDataset } from "../ml/data/synthetic";
import { CreateExperiment } from "../schemas/experiment";


/** Reads a server-sent-event stream until it ends, returning its events. */
async function readEvents(response: Response): Promise<{ event: string; data: any }[]> {
  const text = await response.text();
  return text
    .split("\n\n")
    .filter((block) => block.startsWith("event:"))
    .map((block) => {
      const [eventLine, dataLine] = block.split("\n");
      return { event: eventLine.slice("event: ".length), data: JSON.parse(dataLine.slice("data: ".length)) };
    });
}

describe("a run, end to end through queue and worker", () => {
  const worker = useWorkerProcess();

  it("trains, evaluates, exports and measures; streams progress; serves a valid ONNX file", async () => {
    const input = CreateExperiment.parse({ name: "pipeline test", datasetId: "synthetic", architecture: "small-cnn", training: { epochs: 2, batchSize: 32 }, seed: 3 });
    const { runId } = await createExperiment(db(), input);

    const stream = await events(new Request(`http://lab.test/api/runs/${runId}/events`), { params: Promise.resolve({ id: runId }) });
    expect(stream.headers.get("content-type")).toMatch(/text\/event-stream/);
    const received = await readEvents(stream); // the stream ends when the run finishes

    const run = await db().run.findUniqueOrThrow({ where: { id: runId }, include: { stages: true, artifacts: true, metrics: true } });
    expect(run.error, worker.output()).toBeNull();
    expect(run.status).toBe("succeeded");
    expect(["onednn", "tensorflow", "wasm"]).toContain(run.backend);
    expect(received[0]?.event).toBe("run"); // the snapshot, on connect
    expect(received.at(-1)?.event).toBe("status"); // then pushed changes, the last one the run's end
    expect(received.at(-1)?.data.status).toBe("succeeded");
    expect(received.some((e) => e.event === "progress" && e.data.phase === "training" && e.data.epoch >= 1)).toBe(true);

    const stage = run.stages[0];
    expect(stage.status).toBe("succeeded");
    expect(stage.accuracy).toBeGreaterThan(0.6); // 4 classes: chance is 0.25
    expect(stage.latencyP50Ms).toBeGreaterThan(0);
    expect(stage.latencyP95Ms!).toBeGreaterThanOrEqual(stage.latencyP50Ms!);
    expect(stage.paramCount).toBeGreaterThan(1000);

    // One metric point per (name, epoch): 2 epochs × loss, accuracy, val_accuracy, images_per_sec.
    const keys = run.metrics.map((m) => `${m.name}@${m.step}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(run.metrics.filter((m) => m.name === "loss").map((m) => m.step)).toEqual([1, 2]);

    expect(run.artifacts.map((a) => a.kind).sort()).toEqual(["model-card", "model-card-md", "onnx-fp32", "tfjs"]);
    expect(stage.latencyP50Ms2t).toBeGreaterThan(0);
    expect(stage.throughput).toBeGreaterThan(0);
    const artifact = run.artifacts.find((a) => a.kind === "onnx-fp32")!;
    const res = await download(new Request(`http://lab.test/api/artifacts/${artifact.id}`), { params: Promise.resolve({ id: artifact.id }) });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toMatch(/attachment; filename="pipeline-test-stage0-baseline-fp32\.onnx"/);
    expect(res.headers.get("etag")).toBe(`"${artifact.sha256}"`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(bytes.byteLength).toBe(artifact.bytes);

    // The downloaded file scores the test split in onnxruntime-node as the stored accuracy says.
    const session = await ort.InferenceSession.create(bytes);
    const test = syntheticDataset({ classes: 4 }).test;
    const [h, w] = test.shape;
    const nchw = Float32Array.from(test.images, (v) => v / 255); // one channel: NHWC and NCHW coincide
    const out = await session.run({ [session.inputNames[0]]: new ort.Tensor("float32", nchw, [test.count, 1, h, w]) });
    const logits = out[session.outputNames[0]].data as Float32Array;
    let correct = 0;
    for (let i = 0; i < test.count; i++) {
      const row = Array.from(logits.subarray(i * 4, i * 4 + 4));
      if (row.indexOf(Math.max(...row)) === test.labels[i]) correct++;
    }
    expect(Math.abs(correct / test.count - stage.accuracy!)).toBeLessThanOrEqual(1 / test.count);
  });

  it("runs a multi-stage pipeline: pruned and INT8 stages measured on their own exports; QAT keeps the pruning masks", async () => {
    const input = CreateExperiment.parse({
      name: "sequential test", datasetId: "synthetic", architecture: "small-cnn", training: { epochs: 2, batchSize: 32 }, seed: 4,
      pipeline: [
        { technique: "baseline" },
        { technique: "prune", params: { method: "unstructured", schedule: { kind: "constant", finalSparsity: 0.5 }, epochs: 1 } },
        { technique: "quantize", params: { mode: "qat", calibrationImages: 64 } },
      ],
    });
    const { runId } = await createExperiment(db(), input);
    const run = await waitFor("the run to finish", () => db().run.findFirst({ where: { id: runId, status: { in: ["succeeded", "failed"] } }, include: { stages: { orderBy: { index: "asc" } }, artifacts: true } }));
    expect(run.error, worker.output()).toBeNull();
    const [baseline, pruned, int8] = run.stages;
    expect(pruned.sparsity).toBeGreaterThan(0.495);
    expect(pruned.sparsity).toBeLessThan(0.505);
    expect(pruned.gzipBytes!).toBeLessThan(baseline.gzipBytes!);
    expect(int8.precision).toBe("int8");
    expect(int8.sizeBytes!).toBeLessThan(baseline.sizeBytes! * 0.5);
    expect(int8.accuracy!).toBeGreaterThan(baseline.accuracy! - 0.05);
    expect(run.artifacts.filter((a) => a.kind === "onnx-int8").map((a) => a.stageIndex)).toEqual([2]);
    // Each stage reports the sparsity it received and kept; QAT trained without undoing the pruning.
    const preserved = (s: { details: unknown }) => (s.details as { preserved: { sparsityReceived: number; sparsityKept: number } }).preserved;
    expect(preserved(pruned).sparsityReceived).toBe(0);
    expect(preserved(int8).sparsityReceived).toBeCloseTo(pruned.sparsity!, 6);
    expect(preserved(int8).sparsityKept).toBeGreaterThanOrEqual(preserved(int8).sparsityReceived);
    expect(int8.sparsity!).toBeGreaterThan(0.495);
  });

  it("distills from another run's model (teacherRunId) on the same dataset", async () => {
    const teacherInput = CreateExperiment.parse({ name: "teacher run", datasetId: "synthetic", architecture: "small-cnn", training: { epochs: 1, batchSize: 32 }, seed: 8 });
    const { runId: teacherRunId } = await createExperiment(db(), teacherInput);
    const teacher = await waitFor("the teacher run", () => db().run.findFirst({ where: { id: teacherRunId, status: { in: ["succeeded", "failed"] } } }));
    expect(teacher.error, worker.output()).toBeNull();
    const input = CreateExperiment.parse({
      name: "student of another run", datasetId: "synthetic", architecture: "small-cnn", training: { epochs: 1, batchSize: 32 }, seed: 9,
      pipeline: [{ technique: "baseline" }, { technique: "distill", params: { teacher: "run", teacherRunId, student: "small-cnn" } }],
    });
    const { runId } = await createExperiment(db(), input);
    const run = await waitFor("the student run", () => db().run.findFirst({ where: { id: runId, status: { in: ["succeeded", "failed"] } }, include: { stages: { orderBy: { index: "asc" } } } }));
    expect(run.error, worker.output()).toBeNull();
    const distilled = run.stages[1];
    expect((distilled.details as { teacherRunId?: string }).teacherRunId).toBe(teacherRunId);
    expect(distilled.accuracy!).toBeGreaterThan(0.4); // 4 classes: chance is 0.25
  }, 120_000);

  it("runs the four-way comparison: distill, QAT, NAS and structured pruning branch from the baseline, each with a verified export", async () => {
    const input = CreateExperiment.parse({
      name: "four-way test", datasetId: "synthetic", architecture: "small-cnn", training: { epochs: 1, batchSize: 32 }, seed: 6,
      pipeline: [
        { technique: "baseline" },
        { technique: "distill", from: 0 },
        { technique: "quantize", from: 0, params: { mode: "qat", calibrationImages: 64 } },
        { technique: "nas", from: 0, params: { candidates: 2, proxyImages: 128, widths: [0.35], depths: [1], kernels: [3], expansions: [2, 4], budget: { kind: "params", max: 200_000 } } },
        { technique: "prune", from: 0, params: { method: "structured", channelFraction: 0.3 } },
      ],
    });
    const { runId } = await createExperiment(db(), input);
    const run = await waitFor("the run to finish", () => db().run.findFirst({ where: { id: runId, status: { in: ["succeeded", "failed"] } }, include: { stages: { orderBy: { index: "asc" } }, artifacts: true } }), 300_000);
    expect(run.error, worker.output()).toBeNull();
    expect(run.stages.map((s) => s.status)).toEqual(["succeeded", "succeeded", "succeeded", "succeeded", "succeeded"]);
    const [baseline, , qat, nas, structured] = run.stages;
    expect(qat.precision).toBe("int8");
    expect(structured.paramCount!).toBeLessThan(baseline.paramCount!);
    expect(structured.macs!).toBeLessThan(baseline.macs!);
    expect(nas.paramCount!).toBeLessThanOrEqual(200_000);
    // every NAS candidate is a child run with its measurements; the chosen one is marked and within the budget
    const candidates = await db().run.findMany({ where: { parentRunId: runId }, include: { stages: true }, orderBy: { id: "asc" } });
    expect(candidates.length).toBeGreaterThanOrEqual(2);
    for (const c of candidates) {
      expect(c.stages).toHaveLength(1);
      expect(c.stages[0].technique).toBe("nas");
      expect(c.stages[0].paramCount!).toBeGreaterThan(0);
      expect(c.stages[0].macs!).toBeGreaterThan(0);
    }
    const chosen = candidates.filter((c) => (c.stages[0].details as { chosen?: boolean }).chosen);
    expect(chosen).toHaveLength(1);
    expect(chosen[0].stages[0].paramCount!).toBeLessThanOrEqual(200_000);
    expect((chosen[0].stages[0].details as { valAccuracy: number }).valAccuracy).toBeGreaterThan(0);
    // Every stage has its export: FP32 for four of them, INT8 for the QAT branch.
    const exports = run.artifacts.filter((a) => a.kind.startsWith("onnx")).map((a) => `${a.stageIndex}:${a.kind}`).sort();
    expect(exports).toEqual(["0:onnx-fp32", "1:onnx-fp32", "2:onnx-int8", "3:onnx-fp32", "4:onnx-fp32"]);
  }, 360_000);
});
