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
});
