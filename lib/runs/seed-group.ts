// Runs that differ only in seed are one result measured several times: they share a seed-group key, and pages
// show their mean ± standard deviation instead of one lucky seed.
import { createHash } from "node:crypto";
import type { CreateExperiment } from "../schemas/experiment";

/** JSON with object keys sorted, so equal settings give equal text whatever order they were written in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * The key of everything that decides a run's result except its seed: dataset, architecture, pipeline, training
 * and requirements, as parsed (defaults filled in, so `{}` and the spelled-out defaults group together).
 */
export function seedGroupOf(input: Pick<CreateExperiment, "datasetId" | "architecture" | "pipeline" | "training" | "requirements">): string {
  const settings = { datasetId: input.datasetId, architecture: input.architecture, pipeline: input.pipeline, training: input.training, requirements: input.requirements };
  return createHash("sha256").update(canonical(settings)).digest("hex").slice(0, 32);
}
