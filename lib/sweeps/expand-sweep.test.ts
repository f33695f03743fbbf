import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { CreateExperiment } from "../schemas/experiment";
import { CreateSweep } from "../schemas/sweep";
import { bodyOf, describeCombination, expandSweep, setPath } from "./expand-sweep";

const base = {
  name: "sweep",
  datasetId: "synthetic",
  architecture: "small-cnn",
  pipeline: [{ technique: "baseline" }, { technique: "distill", params: { student: "mobilenet-v2" } }, { technique: "prune", params: {} }],
};
const sweep = (extra: object) => CreateSweep.parse({ base, method: "grid", maxRuns: 12, ...extra });
const sparsity = "pipeline.2.params.schedule.finalSparsity";
const width = "pipeline.1.params.width";

describe("expandSweep", () => {
  it("grid: the cartesian product of every parameter's values, crossed with every seed", () => {
    const runs = expandSweep(sweep({ parameters: { [sparsity]: { values: [0.3, 0.5, 0.7] }, [width]: { values: [0.25, 0.5] } }, seeds: [1, 2] }));
    expect(runs).toHaveLength(12);
    const keys = runs.map((r) => `${r.values[sparsity]}/${r.values[width]}/${r.seed}`);
    expect(new Set(keys).size).toBe(12);
    expect(keys.slice(0, 4)).toEqual(["0.3/0.25/1", "0.3/0.25/2", "0.3/0.5/1", "0.3/0.5/2"]);
  });

  it("grid: more runs than maxRuns is a 400 giving the count, not a silent cut", () => {
    const s = sweep({ parameters: { [sparsity]: { values: [0.3, 0.5, 0.7] }, [width]: { values: [0.25, 0.5] } }, seeds: [1, 2, 3], maxRuns: 12 });
    expect(() => expandSweep(s)).toThrow(/3 seeds = 18 runs, more than maxRuns 12/);
    try {
      expandSweep(s);
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).status).toBe(400);
    }
  });

  it("grid refuses ranges; random draws floor(maxRuns / seeds) combinations within range, log-uniform on request, reproducibly", () => {
    expect(CreateSweep.safeParse({ base, method: "grid", maxRuns: 4, parameters: { "training.learningRate": { min: 1e-4, max: 1e-2 } } }).success).toBe(false);
    const s = CreateSweep.parse({ base, method: "random", maxRuns: 40, seeds: [3, 4], parameters: { "training.learningRate": { min: 1e-4, max: 1e-1, log: true }, [sparsity]: { min: 0.2, max: 0.8 } } });
    const runs = expandSweep(s);
    expect(runs).toHaveLength(40);
    const lrs = runs.map((r) => r.values["training.learningRate"] as number);
    expect(Math.min(...lrs)).toBeGreaterThanOrEqual(1e-4);
    expect(Math.max(...lrs)).toBeLessThanOrEqual(1e-1);
    // log-uniform: about half the draws below the geometric middle (3.16e-3), far more than a uniform draw gives (~3%)
    const below = lrs.filter((v) => v < Math.sqrt(1e-4 * 1e-1)).length / lrs.length;
    expect(below).toBeGreaterThan(0.25);
    expect(expandSweep(s)).toEqual(runs);
    expect(runs[0].values).toEqual(runs[1].values); // the seeds of one draw are adjacent
    expect(() => expandSweep({ ...s, maxRuns: 1 })).toThrow(/fewer than the 2 seeds/);
  });

  it("random with few values never repeats a combination", () => {
    const s = CreateSweep.parse({ base, method: "random", maxRuns: 10, parameters: { [width]: { values: [0.25, 0.5] } } });
    expect(expandSweep(s).map((r) => r.values[width]).sort()).toEqual([0.25, 0.5]);
  });

  it("seeds default to the base's seed", () => {
    expect(expandSweep(CreateSweep.parse({ base: { ...base, seed: 9 }, method: "grid", maxRuns: 2, parameters: { [width]: { values: [0.25] } } })).map((r) => r.seed)).toEqual([9]);
  });
});

describe("the sweep body", () => {
  it("refuses experiment-level fields, the seed and odd paths", () => {
    for (const path of ["architecture", "name", "seed", "datasetId", "pipeline.__proto__.x", "foo.bar", "pipeline..1"]) {
      expect(CreateSweep.safeParse({ base, method: "grid", maxRuns: 4, parameters: { [path]: { values: [1] } } }).success, path).toBe(false);
    }
  });
});

describe("setPath and bodyOf", () => {
  it("sets a field the base leaves to its default, without touching the base", () => {
    const body = setPath(base, sparsity, 0.7);
    expect((body.pipeline as any)[2].params.schedule.finalSparsity).toBe(0.7);
    expect((base.pipeline[2].params as any).schedule).toBeUndefined();
    const parsed = CreateExperiment.parse(bodyOf(base, { values: { [sparsity]: 0.7, [width]: 0.25 }, seed: 5 }));
    expect(parsed.seed).toBe(5);
    expect(parsed.pipeline[1]).toMatchObject({ technique: "distill", params: { width: 0.25 } });
  });

  it("refuses an index past the pipeline, naming the path", () => {
    expect(() => setPath(base, "pipeline.5.params.x", 1)).toThrow(/pipeline\.5\.params\.x: the base has no pipeline\.5 \(it has 3 elements\)/);
    expect(() => setPath({ ...base, training: { epochs: 1 } }, "training.epochs.x", 1)).toThrow(/training\.epochs in the base is 1/);
  });

  it("names a combination by its values and seed", () => {
    expect(describeCombination({ values: { [sparsity]: 0.5 }, seed: 7 })).toBe("pipeline.2.params.schedule.finalSparsity=0.5, seed 7");
  });
});
