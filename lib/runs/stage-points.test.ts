import { describe, expect, it } from "vitest";
import { allPoints, pointAt, toColumns, type StagePoint } from "./stage-points";

const p = (runId: string, stageIndex: number, technique: string, accuracy: number, latencyP50Ms: number | null): StagePoint => ({
  runId, runName: `name of ${runId}`, stageIndex, technique, accuracy, latencyP50Ms, sizeBytes: 1000 + stageIndex, macs: 1234567,
});

describe("stage points as columns", () => {
  it("names each run and technique once and gives every point back, rounded to what a chart shows", () => {
    const rows = [p("a", 0, "baseline", 0.912345, 0.123456), p("a", 1, "quantize", 0.9, null), p("b", 0, "baseline", 0.5, 2)];
    const cols = toColumns(rows, { limit: 100, matching: 3 });
    expect(cols).toMatchObject({ runIds: ["a", "b"], runNames: ["name of a", "name of b"], techniques: ["baseline", "quantize"], points: 3, runs: 2, matching: 3 });
    expect(cols.columns.run).toEqual([0, 0, 1]);
    expect(pointAt(cols, 0)).toEqual({ ...rows[0], accuracy: 0.9123, latencyP50Ms: 0.1235, macs: 1235000 });
    expect(allPoints(cols).slice(1)).toEqual([{ ...rows[1], macs: 1235000 }, { ...rows[2], macs: 1235000 }]);
  });
});
