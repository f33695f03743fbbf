import { describe, expect, it } from "vitest";
import { summaryOf } from "./run-summary";

const at = new Date("2026-12-01T00:00:00Z");
const stage = (index: number, technique: string, sizeBytes: number | null, latencyP50Ms: number | null, accuracy: number | null) =>
  ({ index, technique, status: "succeeded", sizeBytes, latencyP50Ms, accuracy });

describe("summaryOf", () => {
  it("takes the final latency and size from the last stage that measured a model, past a stage that kept its model", () => {
    const s = summaryOf({
      queuedAt: at, startedAt: null, experiment: { name: "Run A" },
      stages: [stage(0, "baseline", 400, 2, 0.9), stage(1, "prune", 200, 1.5, 0.88), stage(2, "analyze", null, null, null)],
    });
    expect(s).toMatchObject({ finalSizeBytes: 200, finalLatencyMs: 1.5, bestAccuracy: 0.9, techniques: ",analyze,baseline,prune,", nameKey: "run a" });
  });
});
