import { describe, expect, it } from "vitest";
import { applyRunDelta } from "./run-delta";
import type { RunSnapshot } from "./run-snapshot";

const stage = (index: number, status: string) => ({ index, status, technique: index ? "prune" : "baseline" }) as unknown as RunSnapshot["stages"][number];
const metric = (id: number, stageIndex: number, name: string, step: number, value: number) => ({ id, runId: "r", stageIndex, name, step, value });
const base = {
  id: "r", status: "running", error: null, stages: [stage(0, "running"), stage(1, "pending")], artifacts: [], metrics: [metric(1, 0, "loss", 1, 2)], children: [],
} as unknown as RunSnapshot;

describe("applyRunDelta", () => {
  it("replaces the run's columns and keeps its relations", () => {
    const next = applyRunDelta(base, { type: "status", run: { id: "r", status: "succeeded", error: null } as never });
    expect(next.status).toBe("succeeded");
    expect(next.stages).toBe(base.stages);
  });

  it("replaces one stage by index, with that stage's artifacts", () => {
    const artifact = { id: "a", runId: "r", stageIndex: 0, kind: "onnx-fp32" } as unknown as RunSnapshot["artifacts"][number];
    const next = applyRunDelta(base, { type: "stage", stage: stage(0, "succeeded"), artifacts: [artifact] });
    expect(next.stages.map((s) => [s.index, s.status])).toEqual([[0, "succeeded"], [1, "pending"]]);
    expect(next.artifacts).toEqual([artifact]);
    expect(next.children).toBe(base.children); // no candidates sent: the list stays
  });

  it("adds metric points once, whatever the repeats (a delta that raced the snapshot)", () => {
    const points = [metric(1, 0, "loss", 1, 2), metric(2, 0, "loss", 2, 1.5)];
    const once = applyRunDelta(base, { type: "metrics", metrics: points });
    const twice = applyRunDelta(once, { type: "metrics", metrics: points });
    expect(twice.metrics.map((m) => [m.step, m.value])).toEqual([[1, 2], [2, 1.5]]);
  });
});
