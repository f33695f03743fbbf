import { describe, expect, it } from "vitest";
import { Architecture } from "../ml/models/architecture";
import { Pipeline } from "../schemas/pipeline";
import { buildPreset, fitPreset, nasBudgetFor, presetPipelines, PRESETS, studentFor } from "./presets";
import type { TechniqueInfo } from "./technique-fields";

const t = (name: string, fields: TechniqueInfo["fields"] = [], defaults: Record<string, unknown> = {}): TechniqueInfo => ({ name, label: name, fields, acceptsFrom: true, defaults });
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

describe("presets fit the chosen architecture", () => {
  const shapes = [
    { inputShape: [28, 28, 1] as [number, number, number], numClasses: 10 },
    { inputShape: [32, 32, 3] as [number, number, number], numClasses: 10 },
  ];
  const load = async () => {
    const { z } = await import("zod");
    const { CompressionStage } = await import("../compress/schemas");
    const { techniquesOf } = await import("./technique-fields");
    const { Architecture } = await import("../ml/models/architecture");
    const { estimatePipeline } = await import("./pipeline-estimate");
    const Baseline = z.object({ technique: z.literal("baseline"), params: z.object({}).strict().default({}) });
    return { CompressionStage, Architecture, estimatePipeline, techniques: techniquesOf(z.discriminatedUnion("technique", [Baseline, ...CompressionStage.options])) };
  };

  it("for every zoo architecture, every compressed stage of every preset is smaller than the baseline", async () => {
    const { CompressionStage, Architecture, estimatePipeline, techniques } = await load();
    for (const shape of shapes)
      for (const arch of Architecture.options)
        for (const preset of PRESETS) {
          const fitted = fitPreset(preset, arch, shape);
          const built = buildPreset(fitted.preset, techniques);
          if (!("stages" in built)) throw new Error(`missing ${built.missing}`);
          for (const s of built.stages.slice(1)) expect(CompressionStage.safeParse(s).success, `${arch} ${preset.id} ${s.technique}`).toBe(true);
          const [base, ...rest] = estimatePipeline(built.stages, arch, shape);
          const where = `${arch} ${shape.inputShape} ${preset.id}`;
          for (const e of rest) {
            // Never bigger on any count, and smaller on one: the file, or (unstructured pruning, same file) non-zeros.
            expect(e.params, `${where} ${e.technique} params`).toBeLessThanOrEqual(base.params!);
            expect(e.fileBytes, `${where} ${e.technique} file`).toBeLessThanOrEqual(base.fileBytes!);
            expect(e.fileBytes! < base.fileBytes! || e.nonzeroParams! < base.params!, `${where} ${e.technique} smaller`).toBe(true);
            if (e.macs != null) expect(e.macs, `${where} ${e.technique} MACs`).toBeLessThanOrEqual(base.macs!);
          }
          const distill = rest.find((e) => e.technique === "distill");
          if (distill) expect(2 * distill.params! <= base.params! || 2 * distill.macs! <= base.macs!, `${where}: student ≤ ½ teacher`).toBe(true);
          else expect(fitted.suggest, `${where}: no student, so a bigger teacher is proposed`).toBe("resnet");
        }
  });

  it("the default bench-cnn distills into small-cnn; small-cnn says it is the smallest and proposes ResNet", async () => {
    const shape = shapes[0];
    expect(studentFor("bench-cnn", shape)).toEqual({ student: "small-cnn" });
    expect(studentFor("resnet", shape)).toEqual({ student: "mobilenet-v2", width: 0.5 });
    expect(studentFor("small-cnn", shape)).toBeNull();
    const small = fitPreset(PRESETS[0], "small-cnn", shape);
    expect(small.note).toMatch(/smallest/);
    expect(small.suggest).toBe("resnet");
    expect(small.preset.stages.map((s) => s.technique)).toEqual(["baseline", "prune", "quantize"]);
    expect(fitPreset(PRESETS[0], "bench-cnn", shape).note).toBeUndefined();
  });

  it("NAS gets a parameter budget of half the baseline (raised to admit two candidates of the space)", () => {
    const shape = shapes[0];
    expect(nasBudgetFor("bench-cnn", shape)).toEqual({ max: 25_125, candidates: 6 });
    expect(nasBudgetFor("small-cnn", shape)!.max).toBeLessThan(24_282);
    expect(nasBudgetFor("small-cnn", shape)!.candidates).toBe(2);
  });
});

describe("presetPipelines (the form's presets and GET /api/presets)", () => {
  it("gives, for every architecture, pipelines the API accepts, whose student is the fitted one", () => {
    const shape = { inputShape: [28, 28, 1] as [number, number, number], numClasses: 10 };
    for (const arch of Architecture.options) {
      const presets = presetPipelines(arch, shape);
      expect(presets.map((p) => p.id)).toEqual(PRESETS.map((p) => p.id));
      for (const p of presets) {
        const parsed = Pipeline.safeParse(p.pipeline);
        expect(parsed.success, `${arch} ${p.id}: ${parsed.error?.message}`).toBe(true);
        const distill = p.pipeline.find((s) => s.technique === "distill");
        const student = studentFor(arch, shape);
        if (student) expect(distill?.params.student).toBe(student.student);
        else expect(distill, `${arch} ${p.id}`).toBeUndefined();
      }
    }
  });
});
