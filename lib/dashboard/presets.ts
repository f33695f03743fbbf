// The two studies of the seed projects as form presets. A preset names techniques and intent ("30%
// sparsity", "INT8", "QAT", "structured"); the values are matched to whatever fields the technique's schema
// exposes, so presets keep working as the technique schemas evolve.
import { setPath, type ParamField, type TechniqueInfo } from "./technique-fields";

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

export interface DraftStage {
  technique: string;
  params: Record<string, unknown>;
  from?: number;
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
