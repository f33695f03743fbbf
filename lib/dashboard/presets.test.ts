import { describe, expect, it } from "vitest";
import { buildPreset, PRESETS } from "./presets";
import type { TechniqueInfo } from "./technique-fields";

const t = (name: string, fields: TechniqueInfo["fields"] = [], defaults: Record<string, unknown> = {}): TechniqueInfo => ({ name, fields, acceptsFrom: true, defaults });
const all = [
  t("baseline"),
  t("distill", [], { temperature: 4 }),
  t("prune", [{ key: "mode", label: "Mode", kind: "enum", required: false, options: ["unstructured", "structured"] }, { key: "targetSparsity", label: "", kind: "number", required: false, min: 0, max: 0.95 }], { mode: "unstructured", targetSparsity: 0.5 }),
  t("quantize", [{ key: "mode", label: "Mode", kind: "enum", required: false, options: ["ptq", "qat"] }], { mode: "ptq" }),
  t("nas"),
];

describe("buildPreset", () => {
  it("fills the sequential pipeline's intents into the technique fields", () => {
    const r = buildPreset(PRESETS[0], all);
    if (!("stages" in r)) throw new Error("missing");
    expect(r.stages.map((s) => s.technique)).toEqual(["baseline", "distill", "prune", "quantize"]);
    expect(r.stages[2].params).toEqual({ mode: "unstructured", targetSparsity: 0.3 });
    expect(r.stages[1].params).toEqual({ temperature: 4 });
    expect(r.stages[1].from).toBeUndefined();
  });
  it("branches the four-way comparison from stage 0", () => {
    const r = buildPreset(PRESETS[1], all);
    if (!("stages" in r)) throw new Error("missing");
    expect(r.stages.slice(1).map((s) => s.from)).toEqual([0, 0, 0, 0]);
    expect(r.stages[2].params.mode).toBe("qat");
    expect(r.stages[4].params.mode).toBe("structured");
  });
  it("names the techniques that are not available", () => {
    expect(buildPreset(PRESETS[1], [t("baseline")])).toEqual({ missing: ["distill", "quantize", "nas", "prune"] });
  });
});

describe("buildPreset with the technique schemas of lib/compress", () => {
  it("sets nested schedule sparsity, PTQ and QAT, structured pruning, and from: 0", async () => {
    const { z } = await import("zod");
    const { CompressionStage } = await import("../compress/schemas");
    const { techniquesOf } = await import("./technique-fields");
    const Baseline = z.object({ technique: z.literal("baseline"), params: z.object({}).strict().default({}) });
    const techniques = techniquesOf(z.discriminatedUnion("technique", [Baseline, ...CompressionStage.options]));
    const seq = buildPreset(PRESETS[0], techniques);
    if (!("stages" in seq)) throw new Error(`missing ${seq.missing}`);
    const prune = seq.stages[2].params as { method: string; schedule: { finalSparsity: number; power: number } };
    expect(prune.method).toBe("unstructured");
    expect(prune.schedule.finalSparsity).toBe(0.3);
    expect(prune.schedule.power).toBe(3);
    expect(seq.stages[3].params.mode).toBe("ptq");
    const four = buildPreset(PRESETS[1], techniques);
    if (!("stages" in four)) throw new Error("missing");
    expect(four.stages.map((s) => [s.technique, s.from])).toEqual([["baseline", undefined], ["distill", 0], ["quantize", 0], ["nas", 0], ["prune", 0]]);
    expect(four.stages[2].params.mode).toBe("qat");
    expect(four.stages[4].params.method).toBe("structured");
    // What the form would send validates against the technique schemas.
    for (const s of [...seq.stages, ...four.stages].filter((x) => x.technique !== "baseline")) {
      expect(CompressionStage.safeParse(s).success).toBe(true);
    }
  });
});
