import { describe, expect, it } from "vitest";
import { CreateExperiment } from "../schemas/experiment";
import { seedGroupOf } from "./seed-group";

const body = { name: "a", datasetId: "synthetic", architecture: "small-cnn", pipeline: [{ technique: "baseline" }, { technique: "prune", params: { schedule: { finalSparsity: 0.5 } } }] };

describe("seedGroupOf", () => {
  it("is the same for runs that differ only in seed, name or tags, whatever the key order or spelled-out defaults", () => {
    const a = seedGroupOf(CreateExperiment.parse({ ...body, seed: 1 }));
    expect(seedGroupOf(CreateExperiment.parse({ ...body, seed: 2, name: "b", tags: ["x"] }))).toBe(a);
    const reordered = { pipeline: [{ params: {}, technique: "baseline" }, { params: { schedule: { finalSparsity: 0.5, kind: "polynomial_decay" } }, technique: "prune" }], architecture: "small-cnn", datasetId: "synthetic", name: "a" };
    expect(seedGroupOf(CreateExperiment.parse(reordered))).toBe(a);
  });

  it("differs when anything else that decides the result differs", () => {
    const a = seedGroupOf(CreateExperiment.parse(body));
    expect(seedGroupOf(CreateExperiment.parse({ ...body, pipeline: [{ technique: "baseline" }, { technique: "prune", params: { schedule: { finalSparsity: 0.6 } } }] }))).not.toBe(a);
    expect(seedGroupOf(CreateExperiment.parse({ ...body, training: { epochs: 2 } }))).not.toBe(a);
    expect(seedGroupOf(CreateExperiment.parse({ ...body, architecture: "bench-cnn" }))).not.toBe(a);
  });
});
