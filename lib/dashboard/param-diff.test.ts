import { describe, expect, it } from "vitest";
import { diffParams, flatten } from "./param-diff";

describe("flatten", () => {
  it("dots nested keys and array indexes, keeps empty containers as values", () => {
    expect(flatten({ seed: 1, training: { epochs: 2 }, pipeline: [{ technique: "baseline", params: {} }] })).toEqual({
      seed: "1", "training.epochs": "2", "pipeline.0.technique": "baseline", "pipeline.0.params": "{}",
    });
  });
});

describe("diffParams", () => {
  it("marks keys whose values differ or are missing", () => {
    const rows = diffParams([
      { seed: 1, training: { epochs: 2 }, pipeline: [{ technique: "baseline" }] },
      { seed: 1, training: { epochs: 3 }, pipeline: [{ technique: "baseline" }, { technique: "prune" }] },
    ]);
    expect(rows).toEqual([
      { key: "seed", values: ["1", "1"], differs: false },
      { key: "training.epochs", values: ["2", "3"], differs: true },
      { key: "pipeline.0.technique", values: ["baseline", "baseline"], differs: false },
      { key: "pipeline.1.technique", values: [null, "prune"], differs: true },
    ]);
  });

  it("groups array entries by index in numeric order, whichever run introduced them", () => {
    const stage = (technique: string) => ({ technique, params: { epochs: 1 } });
    const rows = diffParams([
      { pipeline: Array.from({ length: 11 }, (_, i) => stage(i ? "prune" : "baseline")), seed: 1 },
      { pipeline: Array.from({ length: 12 }, (_, i) => stage(i ? "quantize" : "baseline")), seed: 2 },
    ]);
    const keys = rows.map((r) => r.key);
    expect(keys.slice(0, 4)).toEqual(["pipeline.0.params.epochs", "pipeline.0.technique", "pipeline.1.params.epochs", "pipeline.1.technique"]);
    expect(keys.indexOf("pipeline.10.technique")).toBeGreaterThan(keys.indexOf("pipeline.9.technique"));
    expect(keys.slice(-3)).toEqual(["pipeline.11.params.epochs", "pipeline.11.technique", "seed"]);
    expect(rows.find((r) => r.key === "pipeline.11.technique")?.values).toEqual([null, "quantize"]);
  });
});
