// The auto stage through the real queue, worker process, database and onnxruntime-node: a baseline, then
// `auto` under an accuracy budget; its probes become child runs with what was measured of each, and the chosen
// probe's INT8 model is the stage's output, measured on the test split like any stage.
import { describe, expect, it } from "vitest";
import { useWorkerProcess, waitFor } from "../../test/fixtures";
import { db } from "../db";
import { createExperiment } from "../experiments/create-experiment";
import { CreateExperiment } from "../schemas/experiment";

describe("the auto stage", () => {
  const worker = useWorkerProcess();

  it("searches students and sparsity within the budget, writes every probe as a child run and ships the chosen INT8 model", async () => {
    const input = CreateExperiment.parse({
      name: "auto test", datasetId: "synthetic", architecture: "resnet", training: { epochs: 2, batchSize: 32 }, seed: 8,
      pipeline: [
        { technique: "baseline" },
        { technique: "auto", params: { maxAccuracyDrop: 20, objective: "size", budgetMinutes: 10, students: 2, widths: [0.35, 0.5, 0.75], depths: [1], expansions: [2], sparsitySteps: 1, calibrationImages: 64 } },
      ],
    });
    const { runId } = await createExperiment(db(), input);
    const run = await waitFor("the run to finish", () => db().run.findFirst({ where: { id: runId, status: { in: ["succeeded", "failed"] } }, include: { stages: { orderBy: { index: "asc" } }, artifacts: true } }), 300_000);
    expect(run.error, worker.output()).toBeNull();
    const [baseline, auto] = run.stages;
    expect(auto.status).toBe("succeeded");
    expect(auto.precision).toBe("int8");
    expect(auto.sizeBytes!).toBeLessThan(baseline.sizeBytes! / 4);
    expect(auto.accuracy!).toBeGreaterThan(0.4); // 4 classes: chance is 0.25
    expect(run.artifacts.filter((a) => a.kind === "onnx-int8").map((a) => a.stageIndex)).toEqual([1]);
    const details = auto.details as { withinBudget: boolean; probes: number; chosen: { bytes: number } };
    expect(details.probes).toBeGreaterThanOrEqual(2);

    const children = await db().run.findMany({ where: { parentRunId: runId }, include: { stages: true }, orderBy: { id: "asc" } });
    expect(children).toHaveLength(details.probes);
    for (const c of children) {
      expect(c.status).toBe("succeeded");
      expect(c.stages[0].technique).toBe("auto");
      expect(c.stages[0].precision).toBe("int8");
      expect(c.stages[0].sizeBytes!).toBeGreaterThan(0);
      expect(c.stages[0].latencyP50Ms!).toBeGreaterThan(0);
      expect(c.stages[0].speedup!).toBeGreaterThan(0);
      expect((c.stages[0].details as { autoCandidate: boolean }).autoCandidate).toBe(true);
    }
    const chosen = children.filter((c) => (c.stages[0].details as { chosen: boolean }).chosen);
    expect(chosen).toHaveLength(1);
    // The stage's file is the chosen probe's model, exported again by the stage runner: the same bytes.
    expect(chosen[0].stages[0].sizeBytes).toBe(auto.sizeBytes);
    expect(details.chosen.bytes).toBe(auto.sizeBytes);
  }, 360_000);
});
