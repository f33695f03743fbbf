import { describe, expect, it } from "vitest";
import { estimateArchitecture, estimateFileBytes } from "../ml/models/estimate";
import { estimatePipeline } from "./pipeline-estimate";

const shape = { inputShape: [28, 28, 1] as [number, number, number], numClasses: 10 };
const b = { technique: "baseline", params: {} };

describe("estimatePipeline, from each technique's descriptor", () => {
  it("baseline and a zoo student are exact; INT8 quantization keeps the model and exports its INT8 file", () => {
    const [base, student, int8] = estimatePipeline([b, { technique: "distill", params: { student: "small-cnn" } }, { technique: "quantize", params: {} }], "resnet", shape);
    expect(base.params).toBe(estimateArchitecture("resnet", shape).params);
    const small = estimateArchitecture("small-cnn", shape);
    expect([student.params, student.macs, student.precision]).toEqual([small.params, small.macs, "fp32"]);
    expect([int8.params, int8.precision, int8.fileBytes]).toEqual([small.params, "int8", estimateFileBytes(small).int8]);
  });

  it("structured pruning shrinks a known architecture, cannot size a NAS result, and unstructured pruning zeroes weights in the same file", () => {
    const rows = estimatePipeline([
      b,
      { technique: "prune", params: { method: "structured", channelFraction: 0.5 } },
      { technique: "nas", params: { budget: { kind: "params", max: 20_000 } }, from: 0 },
      { technique: "prune", params: { method: "structured" } },
      { technique: "prune", params: { schedule: { finalSparsity: 0.8 } }, from: 0 },
    ], "bench-cnn", shape);
    expect(rows[1].params!).toBeLessThan(rows[0].params!);
    expect([rows[2].params, rows[2].macs, rows[2].note]).toEqual([20_000, null, "at most 20,000 parameters (the search's budget)"]);
    expect(rows[3].params).toBeNull();
    expect([rows[4].params, rows[4].fileBytes]).toEqual([rows[0].params, rows[0].fileBytes]);
    expect(rows[4].nonzeroParams!).toBeLessThan(0.5 * rows[0].params!);
  });

  it("a stage whose technique has no sketch passes its input model on (clustering keeps the architecture)", () => {
    const [base, clustered] = estimatePipeline([b, { technique: "cluster", params: {} }], "small-cnn", shape);
    expect([clustered.params, clustered.fileBytes, clustered.precision]).toEqual([base.params, base.fileBytes, "fp32"]);
  });
});
