import { describe, expect, it } from "vitest";
import { z } from "zod";
import { coerceField, fieldsOf, techniquesOf } from "./technique-fields";

const Prune = z.object({
  technique: z.literal("prune"),
  params: z.object({
    mode: z.enum(["unstructured", "structured"]).default("unstructured").describe("what is removed"),
    targetSparsity: z.number().min(0).max(0.95).default(0.5).describe("fraction of weights set to zero"),
    frequency: z.number().int().min(1).default(100),
    schedule: z.object({ power: z.number() }).optional(),
  }).strict().default({ mode: "unstructured", targetSparsity: 0.5, frequency: 100 }),
  from: z.number().int().min(0).optional(),
});
const Baseline = z.object({ technique: z.literal("baseline"), params: z.object({}).strict().default({}) });

describe("techniquesOf", () => {
  it("lists the union's techniques with fields, defaults and whether they branch", () => {
    const t = techniquesOf(z.discriminatedUnion("technique", [Baseline, Prune]));
    expect(t.map((x) => x.name)).toEqual(["baseline", "prune"]);
    expect(t[0]).toMatchObject({ fields: [], acceptsFrom: false, defaults: {} });
    expect(t[1].acceptsFrom).toBe(true);
    expect(t[1].defaults).toEqual({ mode: "unstructured", targetSparsity: 0.5, frequency: 100 });
    expect(t[1].fields.map((f) => [f.key, f.kind])).toEqual([["mode", "enum"], ["targetSparsity", "number"], ["frequency", "integer"], ["schedule.power", "number"]]);
    expect(t[1].fields[3].label).toBe("Schedule · Power");
    expect(t[1].fields[1]).toMatchObject({ label: "Target Sparsity", min: 0, max: 0.95, default: 0.5, help: "fraction of weights set to zero" });
    expect(t[1].fields[0].options).toEqual(["unstructured", "structured"]);
  });

  it("reads the app's PipelineStage", () => {
    expect(techniquesOf().map((t) => t.name)).toContain("baseline");
  });
});

describe("fieldsOf / coerceField", () => {
  it("drops unbounded integer limits and coerces text", () => {
    const [n] = fieldsOf(z.object({ n: z.number().int().optional() }));
    expect(n).toMatchObject({ kind: "integer", min: undefined, max: undefined, required: false });
    expect(coerceField(n, "12")).toBe(12);
    expect(coerceField(n, "")).toBeUndefined();
    expect(coerceField({ key: "j", label: "J", kind: "json", required: false }, '{"a":1}')).toEqual({ a: 1 });
  });
});

describe("getPath / setPath", () => {
  it("reads and writes dotted keys without mutating", async () => {
    const { getPath, setPath } = await import("./technique-fields");
    const a = { schedule: { power: 3, kind: "x" }, m: 1 };
    const b = setPath(a, "schedule.power", 2);
    expect(getPath(b, "schedule.power")).toBe(2);
    expect(a.schedule.power).toBe(3);
    expect(setPath(b, "m", undefined)).toEqual({ schedule: { power: 2, kind: "x" } });
  });
});
