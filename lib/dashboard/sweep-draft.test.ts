import { describe, expect, it } from "vitest";
import { parseSeeds, parseSweepValues, sweepableFields } from "./sweep-draft";
import { techniquesOf } from "./technique-fields";

describe("sweep-draft", () => {
  it("offers the draft's stage fields as dotted paths, then training's", () => {
    const fields = sweepableFields([{ technique: "baseline" }, { technique: "prune" }], techniquesOf());
    const paths = fields.map((f) => f.path);
    expect(paths).toContain("pipeline.1.params.schedule.finalSparsity");
    expect(paths).toContain("pipeline.1.params.method");
    expect(paths).toContain("training.learningRate");
    expect(paths.filter((p) => p.startsWith("pipeline.0."))).not.toContain("pipeline.0.params.modelId"); // text: not offered
  });

  it("reads values and seeds", () => {
    expect(parseSweepValues(" 0.3, 0.5,,0.7 ")).toEqual([0.3, 0.5, 0.7]);
    expect(parseSweepValues("structured, true, 1e-3")).toEqual(["structured", true, 0.001]);
    expect(parseSeeds("1, 2, 2, x, -1, 1.5")).toEqual([1, 2]);
  });
});
