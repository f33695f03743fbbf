import { describe, expect, it } from "vitest";
import { modelCard, type ModelCardInput } from "./model-card";

const input: ModelCardInput = {
  name: "bench-cnn · distill → prune → int8",
  architecture: { name: "bench-cnn", params: 49_802, nonzeroParams: 34_861 },
  input: { name: "input", shape: ["batch", 1, 28, 28], layout: "NCHW", dtype: "float32" },
  output: { name: "logits", shape: ["batch", 10], meaning: "pre-softmax class scores" },
  preprocessing: { scale: "divide uint8 pixels by 255 → [0, 1]", mean: [0], std: [1], channelOrder: "grayscale" },
  classNames: ["T-shirt/top", "Trouser|pants"],
  stages: [
    { index: 0, technique: "baseline", params: { epochs: 5 }, metrics: { accuracy: 0.9123, p50Ms1t: 0.41, sizeBytes: 200_101 } },
    { index: 1, technique: "quantize", params: { mode: "ptq", calibration: "minmax" }, metrics: { accuracy: 0.9101, p50Ms1t: 0.3 } },
  ],
  quantization: { precision: "int8", weights: "int8 symmetric per-channel", activations: "uint8 per-tensor", calibration: "minmax", calibrationImages: 256 },
  tool: { name: "compression-lab", version: "0.1.0", onnxOpset: 13, runtime: "onnxruntime-node 1.30.0" },
  seed: 42,
  runId: "run_1",
};

describe("model card", () => {
  it("is pure and carries every required section", () => {
    const a = modelCard(input);
    expect(modelCard(input)).toEqual(a);
    const json = JSON.parse(a.json);
    expect(json).toMatchObject({ schemaVersion: 1, seed: 42, input: { layout: "NCHW" }, tool: { version: "0.1.0" } });
    for (const s of ["## Input", "NCHW", "mean = [0]", "## Classes", "## Metrics per stage", "0.9123", "## Technique parameters", '"calibration":"minmax"', "seed: 42", "compression-lab 0.1.0"])
      expect(a.markdown).toContain(s);
    expect(a.markdown).toContain("Trouser\\|pants"); // table cells are escaped
    expect(a.markdown).toMatch(/\| 1 \| quantize \| 0.9101 \| 0.3 \| — \|/);
  });

  it("lists the layers accuracy control left FP32 and what each cost", () => {
    const { markdown, json } = modelCard({
      ...input,
      mixedPrecision: { maxAccuracyDropPp: 1, allInt8DropPp: 4.5, accuracyDropPp: 0.5, withinBudget: true, fp32Layers: [{ layer: "conv_b", className: "Conv2D", costAlonePp: 3.25, accuracyAfter: 0.91 }] },
    });
    expect(markdown).toContain("## Mixed precision (accuracy control)");
    expect(markdown).toContain("all-INT8 lost 4.5 pp, this model 0.5 pp (within budget)");
    expect(markdown).toContain("| conv_b | Conv2D | 3.25 | 0.91 |");
    expect(JSON.parse(json).mixedPrecision.fp32Layers[0].layer).toBe("conv_b");
    expect(modelCard(input).markdown).not.toContain("Mixed precision");
  });

  it("states the stage's verdict per requirement and the run's", () => {
    const { markdown, json } = modelCard({
      ...input,
      requirements: {
        limits: { maxAccuracyDrop: 0.05, minLatencyReduction: 0.4, minSizeReduction: 0.3 },
        stage: { pass: false, checks: [
          { requirement: "maxAccuracyDrop", value: 0.0022, limit: 0.05, pass: true },
          { requirement: "minLatencyReduction", value: 0.2683, limit: 0.4, pass: false },
          { requirement: "minSizeReduction", value: null, limit: 0.3, pass: null },
        ] },
        run: { meetsRequirements: false, shipStageIndex: null, final: true },
      },
    });
    expect(markdown).toContain("## Requirements");
    expect(markdown).toContain("| maxAccuracyDrop | 0.0022 | 0.05 | ✓ pass |");
    expect(markdown).toContain("| minLatencyReduction | 0.2683 | 0.4 | ✗ fail |");
    expect(markdown).toContain("| minSizeReduction | — | 0.3 | not measured |");
    expect(markdown).toContain("This stage misses at least one requirement");
    expect(markdown).toContain("The run: no compressed stage meets every requirement.");
    expect(JSON.parse(json).requirements.run).toEqual({ meetsRequirements: false, shipStageIndex: null, final: true });
  });

  it("names the stage to ship when the run meets its requirements", () => {
    const { markdown } = modelCard({
      ...input,
      requirements: { limits: { maxAccuracyDrop: 0.05, minLatencyReduction: 0.4, minSizeReduction: 0.3 }, stage: null, run: { meetsRequirements: true, shipStageIndex: 2, final: false } },
    });
    expect(markdown).toContain("This is the baseline");
    expect(markdown).toContain("The run so far: meets the requirements; the stage to ship is stage 2.");
  });
});
