import { describe, expect, it } from "vitest";
import { CompressionStage, modelStageOf, pipelineIssues } from "./schemas";

describe("CompressionStage", () => {
  it("fills every technique's defaults from an empty params object (tfmot's where it has them)", () => {
    const prune = CompressionStage.parse({ technique: "prune" });
    expect(prune).toMatchObject({ technique: "prune", params: { method: "unstructured", schedule: { kind: "polynomial_decay", power: 3, frequency: 100, finalSparsity: 0.5 } } });
    expect(CompressionStage.parse({ technique: "distill", params: {} }).params).toMatchObject({ temperature: 4, alpha: 0.7, student: "mobilenet-v2" });
    expect(CompressionStage.parse({ technique: "quantize" }).params).toMatchObject({ mode: "ptq", calibration: "minmax" });
    expect(CompressionStage.parse({ technique: "cluster" }).params).toMatchObject({ clusters: 16, init: "linear" });
    expect(CompressionStage.parse({ technique: "nas" }).params).toMatchObject({ budget: { kind: "params" }, strategy: "random" });
  });
  it("rejects unknown params and out-of-range values", () => {
    expect(CompressionStage.safeParse({ technique: "prune", params: { sparsity: 0.5 } }).success).toBe(false);
    expect(CompressionStage.safeParse({ technique: "prune", params: { schedule: { finalSparsity: 1 } } }).success).toBe(false);
    expect(CompressionStage.safeParse({ technique: "distill", params: { alpha: 2 } }).success).toBe(false);
  });
  it("round-trips through JSON (what the database stores)", () => {
    const stage = CompressionStage.parse({ technique: "quantize", params: { mode: "qat" } });
    expect(CompressionStage.parse(JSON.parse(JSON.stringify(stage)))).toEqual(stage);
  });
});

describe("pipelineIssues", () => {
  const b = { technique: "baseline", params: {} };
  const s = (technique: string, from?: number) => ({ technique, params: {}, ...(from === undefined ? {} : { from }) });
  it("accepts the presets", () => {
    expect(pipelineIssues([b, s("distill"), s("prune"), s("quantize")])).toEqual([]);
    expect(pipelineIssues([b, s("distill", 0), s("quantize", 0), s("nas", 0), s("prune", 0)])).toEqual([]);
  });
  it("rejects anything after INT8 quantization, naming the stage", () => {
    expect(pipelineIssues([b, s("quantize"), s("prune")])).toEqual([{ path: [2, "technique"], message: expect.stringMatching(/prune cannot follow INT8 quantization/) }]);
    expect(pipelineIssues([b, s("quantize"), s("quantize")])).toHaveLength(1);
    expect(pipelineIssues([b, s("quantize"), s("prune", 1)])[0].path).toEqual([2, "from"]);
    expect(pipelineIssues([b, s("quantize"), s("prune", 0)])).toEqual([]); // a branch from the baseline is fine
  });
  it("requires nas to read from the baseline and `from` to point backwards", () => {
    expect(pipelineIssues([b, s("distill"), s("nas")])[0].message).toMatch(/nas .* must read from the baseline/);
    expect(pipelineIssues([b, s("distill", 1)])[0].path).toEqual([1, "from"]);
    expect(pipelineIssues([b, s("distill", 5)])[0].path).toEqual([1, "from"]);
    expect(pipelineIssues([b, s("sparsify")])[0].message).toMatch(/unknown technique/);
  });
  it("checks a distillation's teacher: not the input model as both teacher and student, an id for a run teacher", () => {
    const distill = (params: object) => [b, { technique: "distill", params }];
    expect(pipelineIssues(distill({ teacher: "input", student: "input" }))[0].path).toEqual([1, "params", "teacher"]);
    expect(pipelineIssues(distill({ teacher: "input", student: "mobilenet-v2" }))).toEqual([]);
    expect(pipelineIssues(distill({ teacher: "run" }))[0].path).toEqual([1, "params", "teacherRunId"]);
    expect(pipelineIssues(distill({ teacher: "run", teacherRunId: "r1" }))).toEqual([]);
  });
});

describe("modelStageOf", () => {
  const st = (technique: string, from?: number) => ({ technique, ...(from === undefined ? {} : { from }) });
  it("is the stage itself for every technique of the catalog (each writes its model)", () => {
    const stages = [st("baseline"), st("distill"), st("prune"), st("quantize", 1), st("cluster", 0), st("nas", 0)];
    expect(stages.map((_, i) => modelStageOf(stages, i))).toEqual([0, 1, 2, 3, 4, 5]);
  });
  it("follows a stage that keeps its model back to the model it read, through `from` and chains", () => {
    const keeps = (t: string) => t === "look";
    const stages = [st("baseline"), st("prune"), st("look"), st("look"), st("look", 0), st("quantize", 3)];
    expect(stages.map((_, i) => modelStageOf(stages, i, keeps))).toEqual([0, 1, 1, 1, 0, 5]);
  });
});
