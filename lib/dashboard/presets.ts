// The two studies of the seed projects as form presets. A preset names techniques and intent ("30%
// sparsity", "INT8", "QAT", "structured"); the values are matched to whatever fields the technique's schema
// exposes, so presets keep working as the technique schemas evolve.
import type { Architecture } from "../ml/models/architecture";
import type { DataShape, DraftStage as PipelineDraftStage } from "../compress/descriptor";
import { NasParams, nasSpaceEstimates } from "../compress/nas.schema";
import { estimateArchitecture, type ModelEstimate } from "../ml/models/estimate";
import { setPath, techniquesOf, type ParamField, type TechniqueInfo } from "./technique-fields";

export interface PresetStage {
  technique: string;
  from?: number;
  /** intents: the first field whose dotted key matches gets the value, if the field accepts it */
  set?: { match: RegExp; value: string | number }[];
}

export interface Preset {
  id: string;
  label: string;
  description: string;
  stages: PresetStage[];
  requirements: { maxAccuracyDrop: number; minLatencyReduction: number; minSizeReduction: number };
}

export const PRESETS: Preset[] = [
  {
    id: "sequential",
    label: "Sequential pipeline",
    description: "baseline → distill → prune 30% → quantize INT8, each stage from the previous one",
    stages: [
      { technique: "baseline" },
      { technique: "distill" },
      { technique: "prune", set: [{ match: /^(method|mode)$/, value: "unstructured" }, { match: /(final|target)Sparsity$|^sparsity$/i, value: 0.3 }] },
      { technique: "quantize", set: [{ match: /^mode$/, value: "ptq" }, { match: /^(dtype|weightType|precision)$/, value: "int8" }] },
    ],
    requirements: { maxAccuracyDrop: 0.05, minLatencyReduction: 0.4, minSizeReduction: 0.3 },
  },
  {
    id: "four-way",
    label: "Four-way comparison",
    description: "baseline, then distill, quantize (QAT), NAS and structured pruning, each applied to the baseline",
    stages: [
      { technique: "baseline" },
      { technique: "distill", from: 0 },
      { technique: "quantize", from: 0, set: [{ match: /^mode$/, value: "qat" }] },
      { technique: "nas", from: 0 },
      { technique: "prune", from: 0, set: [{ match: /^(method|mode)$/, value: "structured" }] },
    ],
    requirements: { maxAccuracyDrop: 0.05, minLatencyReduction: 0.4, minSizeReduction: 0.3 },
  },
];

/** A stage of the form's draft pipeline: params always an object (the editor's fields write into it). */
export interface DraftStage extends PipelineDraftStage {
  params: Record<string, unknown>;
}

function accepts(field: ParamField, value: string | number): boolean {
  if (field.kind === "enum") return field.options?.map(String).includes(String(value)) ?? false;
  if (field.kind === "number" || field.kind === "integer") {
    return typeof value === "number" && (field.min == null || value >= field.min) && (field.max == null || value <= field.max);
  }
  return field.kind === "string" && typeof value === "string";
}

/** The preset's stages for the techniques available, or the names it needs that are missing. */
export function buildPreset(preset: Preset, techniques: TechniqueInfo[]): { stages: DraftStage[] } | { missing: string[] } {
  const byName = new Map(techniques.map((t) => [t.name, t]));
  const missing = [...new Set(preset.stages.map((s) => s.technique).filter((n) => !byName.has(n)))];
  if (missing.length) return { missing };
  return {
    stages: preset.stages.map((s) => {
      const info = byName.get(s.technique)!;
      let params: Record<string, unknown> = structuredClone(info.defaults);
      for (const intent of s.set ?? []) {
        const field = info.fields.find((f) => intent.match.test(f.key) && accepts(f, intent.value));
        if (field) params = setPath(params, field.key, field.kind === "enum" ? field.options!.find((o) => String(o) === String(intent.value)) : intent.value);
      }
      return { technique: s.technique, params, ...(s.from != null && info.acceptsFrom ? { from: s.from } : {}) };
    }),
  };
}

export type { DataShape } from "../compress/descriptor";

/** Students a preset may distill into, largest first (distill.schema's student + width). */
const STUDENTS: { student: Architecture; width?: number }[] = [
  { student: "mobilenet-v2", width: 0.5 },
  { student: "bench-cnn" },
  { student: "small-cnn" },
];

/** A student fits a teacher when it is no bigger on either count and at most half on one. */
const fitsUnder = (s: ModelEstimate, t: ModelEstimate) => s.params <= t.params && s.macs <= t.macs && (2 * s.params <= t.params || 2 * s.macs <= t.macs);

/** The largest zoo student at most half the teacher (by parameters or MACs), or null when none is. */
export function studentFor(teacher: Architecture, shape: DataShape): { student: Architecture; width?: number } | null {
  const t = estimateArchitecture(teacher, shape);
  return STUDENTS.find((s) => s.student !== teacher && fitsUnder(estimateArchitecture(s.student, { ...shape, width: s.width }), t)) ?? null;
}

/** NAS's defaults (nas.schema.ts): its search space, to size the budget against the baseline, and candidates. */
const NAS_DEFAULTS = NasParams.parse({});

/**
 * A parameter budget of half the baseline, raised to admit at least two candidates of the space, and how many
 * candidates fit it; null when even that would not be smaller than the baseline.
 */
export function nasBudgetFor(arch: Architecture, shape: DataShape): { max: number; candidates: number } | null {
  const baseline = estimateArchitecture(arch, shape).params;
  const sizes = nasSpaceEstimates(NAS_DEFAULTS, shape).map((e) => e.params).sort((a, b) => a - b);
  const max = Math.max(Math.floor(baseline / 2), sizes[1]);
  if (max >= baseline) return null;
  return { max, candidates: Math.max(2, Math.min(NAS_DEFAULTS.candidates, sizes.filter((p) => p <= max).length)) };
}

export interface FittedPreset {
  preset: Preset;
  /** Said to the user when the preset had to change for this architecture. */
  note?: string;
  /** A bigger architecture to pick instead (when this one is already the smallest). */
  suggest?: Architecture;
}

/**
 * The preset made to fit the chosen architecture: its distillation student is at most half the teacher, its NAS
 * budget half the baseline. On an architecture with nothing smaller in the zoo the distillation stage is left
 * out and the ResNet teacher is proposed instead.
 */
export function fitPreset(preset: Preset, arch: Architecture, shape: DataShape): FittedPreset {
  const student = studentFor(arch, shape);
  const budget = nasBudgetFor(arch, shape);
  const dropped: string[] = [];
  const stages = preset.stages.flatMap((s): PresetStage[] => {
    if (s.technique === "distill") {
      if (!student) return (dropped.push("distillation"), []);
      const set = [{ match: /^student$/, value: student.student }, ...(student.width ? [{ match: /^width$/, value: student.width }] : []), ...(s.set ?? [])];
      return [{ ...s, set }];
    }
    if (s.technique === "nas") {
      if (!budget) return (dropped.push("architecture search"), []);
      const set = [{ match: /^budget\.kind$/, value: "params" }, { match: /^budget\.max$/, value: budget.max }, { match: /^candidates$/, value: budget.candidates }, ...(s.set ?? [])];
      return [{ ...s, set }];
    }
    return [s];
  });
  if (!dropped.length) return { preset: { ...preset, stages } };
  return {
    preset: { ...preset, stages },
    note: `${arch} is already the smallest architecture in the zoo, so this preset leaves out ${dropped.join(" and ")} (nothing smaller to make). Choose ResNet-style as the architecture to have a teacher to distill from.`,
    suggest: "resnet",
  };
}

/** A preset as a run would use it: fitted to the architecture and dataset, built into pipeline stages. */
export interface PresetPipeline {
  id: string;
  label: string;
  description: string;
  pipeline: DraftStage[];
  requirements: Preset["requirements"];
  note?: string;
  suggest?: Architecture;
}

/**
 * Every preset fitted to `arch` on data of `shape` and built from the techniques' schemas — what the form fills
 * in and what GET /api/presets answers (the CLI's --preset), so both launch the same pipeline.
 */
export function presetPipelines(arch: Architecture, shape: DataShape, techniques: TechniqueInfo[] = techniquesOf()): PresetPipeline[] {
  return PRESETS.flatMap((p) => {
    const fitted = fitPreset(p, arch, shape);
    const built = buildPreset(fitted.preset, techniques);
    if ("missing" in built) return [];
    return [{ id: p.id, label: p.label, description: p.description, pipeline: built.stages, requirements: p.requirements, ...(fitted.note ? { note: fitted.note } : {}), ...(fitted.suggest ? { suggest: fitted.suggest } : {}) }];
  });
}
