// The compression stages of a pipeline, zod only (the browser form imports this file). The lead's Pipeline
// schema adds the `baseline` stage and calls `pipelineIssues` from a superRefine to turn bad orders into 400s.
import { z } from "zod";
import { ClusterParams } from "./cluster.schema";
import { DistillParams } from "./distill.schema";
import { NasParams } from "./nas.schema";
import { PruneParams } from "./prune.schema";
import { QuantizeParams } from "./quantize.schema";

/** Index of an earlier stage whose model this stage reads (default: the previous stage). Makes branches possible. */
const from = z.number().int().min(0).optional().describe("Read the model of this earlier stage instead of the previous one (a branch)");

// .prefault({}) rather than .default({}): in zod 4, .default returns {} as-is, skipping the inner defaults.
export const CompressionStage = z.discriminatedUnion("technique", [
  z.object({ technique: z.literal("distill"), params: DistillParams.prefault({}), from }),
  z.object({ technique: z.literal("prune"), params: PruneParams.prefault({}), from }),
  z.object({ technique: z.literal("quantize"), params: QuantizeParams.prefault({}), from }),
  z.object({ technique: z.literal("cluster"), params: ClusterParams.prefault({}), from }),
  z.object({ technique: z.literal("nas"), params: NasParams.prefault({}), from }),
]);
export type CompressionStage = z.infer<typeof CompressionStage>;

export const COMPRESSION_TECHNIQUES = ["distill", "prune", "quantize", "cluster", "nas"] as const;

export interface PipelineIssue {
  path: (string | number)[];
  message: string;
}

/**
 * Order rules of a pipeline (stage 0 is the baseline). Each rule names the stage at fault:
 *  - `from` must point to an earlier stage;
 *  - an INT8 quantize stage is terminal: its model is an fp32 graph plus activation ranges that only the INT8
 *    exporter understands, so no technique may read from it (distilling, pruning, clustering or re-quantizing
 *    would silently drop or invalidate the ranges). Branch off an earlier stage with `from` instead;
 *  - nas builds its own architecture and compares against the baseline, so it must read from stage 0;
 *  - technique names must be known (the zod union already says so; repeated here for callers that skip it).
 */
export function pipelineIssues(stages: { technique: string; params: unknown; from?: number }[]): PipelineIssue[] {
  const issues: PipelineIssue[] = [];
  const known = new Set<string>(["baseline", ...COMPRESSION_TECHNIQUES]);
  stages.forEach((stage, i) => {
    if (!known.has(stage.technique)) {
      issues.push({ path: [i, "technique"], message: `unknown technique "${stage.technique}"` });
      return;
    }
    if (i === 0) return; // the baseline; its own rules live with the Pipeline schema
    if (stage.technique === "baseline") {
      issues.push({ path: [i, "technique"], message: "only the first stage can be the baseline" });
      return;
    }
    const source = stage.from ?? i - 1;
    if (stage.from !== undefined && (!Number.isInteger(stage.from) || stage.from < 0 || stage.from >= i)) {
      issues.push({ path: [i, "from"], message: `stage ${i} can only read from an earlier stage (0…${i - 1}), not ${stage.from}` });
      return;
    }
    if (stages[source]?.technique === "quantize") {
      issues.push({
        path: [i, stage.from === undefined ? "technique" : "from"],
        message: `${stage.technique} cannot follow INT8 quantization (stage ${source}): quantize must be the last step of a branch; read from an earlier stage with "from" instead`,
      });
    }
    const params = (stage.params ?? {}) as { teacher?: string; teacherRunId?: string };
    if (stage.technique === "distill" && params.teacher === "input" && (params as { student?: string }).student === "input") {
      issues.push({ path: [i, "params", "teacher"], message: 'the student and the teacher cannot both be the input model (set teacher to "baseline")' });
    }
    if (stage.technique === "distill" && params.teacher === "run" && !params.teacherRunId) {
      issues.push({ path: [i, "params", "teacherRunId"], message: 'teacher "run" needs teacherRunId: the id of the run whose model teaches' });
    }
    if (stage.technique === "nas" && source !== 0) {
      issues.push({ path: [i, stage.from === undefined ? "technique" : "from"], message: `nas searches a new architecture and must read from the baseline (stage 0), not stage ${source}; set "from": 0` });
    }
  });
  return issues;
}
