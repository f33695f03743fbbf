// The New experiment form's "sweep this field": which fields of the draft can be swept (as dotted paths into
// the CreateExperiment body) and how a typed list of values reads. Pure; the form and its tests share it.
import type { SweptValue } from "../schemas/sweep";
import type { TechniqueInfo } from "./technique-fields";

export interface SweepableField {
  path: string;
  label: string;
}

const TRAINING: SweepableField[] = [
  { path: "training.epochs", label: "Training · epochs" },
  { path: "training.learningRate", label: "Training · learning rate" },
  { path: "training.batchSize", label: "Training · batch size" },
];

/** Every field of the draft pipeline a sweep can vary (numbers, integers, choices, switches), then training's. */
export function sweepableFields(stages: readonly { technique: string }[], techniques: readonly TechniqueInfo[]): SweepableField[] {
  const fields = stages.flatMap((stage, i) => {
    const info = techniques.find((t) => t.name === stage.technique);
    return (info?.fields ?? [])
      .filter((f) => f.kind === "number" || f.kind === "integer" || f.kind === "enum" || f.kind === "boolean")
      .map((f) => ({ path: `pipeline.${i}.params.${f.key}`, label: `Stage ${i} (${stage.technique}) · ${f.label}` }));
  });
  return [...fields, ...TRAINING];
}

/** "0.3, 0.5, 0.7" → [0.3, 0.5, 0.7]; numbers and true/false read as such, anything else stays text. */
export function parseSweepValues(text: string): SweptValue[] {
  return text
    .split(",")
    .map((v) => v.trim())
    .filter(Boolean)
    .map((v) => (v === "true" ? true : v === "false" ? false : v !== "" && Number.isFinite(Number(v)) ? Number(v) : v));
}

/** "1, 2" → [1, 2]: the seeds, each a whole number (anything else is left out). */
export function parseSeeds(text: string): number[] {
  return [...new Set(parseSweepValues(text).filter((v): v is number => typeof v === "number" && Number.isInteger(v) && v >= 0))];
}
