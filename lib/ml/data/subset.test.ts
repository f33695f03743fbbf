import { describe, expect, it } from "vitest";
import { splitValidation, subset } from "./subset";
import { syntheticDataset } from "./synthetic";

describe("subsets and validation splits", () => {
  const { train } = syntheticDataset({ train: 100, test: 4 });

  it("holds out a seeded, disjoint validation split", () => {
    const a = splitValidation(train, 0.1, 7);
    const b = splitValidation(train, 0.1, 7);
    expect(a.validation.count).toBe(10);
    expect(a.train.count).toBe(90);
    expect(a.validation.images).toEqual(b.validation.images);
    expect(splitValidation(train, 0.1, 8).validation.images).not.toEqual(a.validation.images);
  });

  it("takes a seeded subset, or the whole split without a limit", () => {
    expect(subset(train, undefined, 1)).toBe(train);
    expect(subset(train, 20, 1).labels).toEqual(subset(train, 20, 1).labels);
    expect(subset(train, 20, 1).count).toBe(20);
  });
});
