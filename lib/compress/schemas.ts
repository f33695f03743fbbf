// The compression stages of a pipeline and their order rules, built from the technique descriptors (catalog.ts;
// zod only: the browser form imports this file). The Pipeline schema (lib/schemas/pipeline.ts) adds the
// `baseline` stage and calls `pipelineIssues` from a superRefine to turn bad orders into 400s.
import { z } from "zod";
import { descriptorOf, techniqueDescriptors } from "./catalog";
import { paramsOf, type DataShape, type DraftStage, type PipelineIssue, type TechniqueDescriptor } from "./descriptor";

export type { PipelineIssue } from "./descriptor";

/** Index of an earlier stage whose model this stage reads (default: the previous stage). Makes branches possible. */
const from = z.number().int().min(0).optional().describe("Read the model of this earlier stage instead of the previous one (a branch)");

// .prefault({}) rather than .default({}): in zod 4, .default returns {} as-is, skipping the inner defaults.
type StageSchemaOf<D extends TechniqueDescriptor> = z.ZodObject<{ technique: z.ZodLiteral<D["name"]>; params: z.ZodPrefault<D["configSchema"]>; from: typeof from }>;
type StageSchemasOf<T extends readonly TechniqueDescriptor[]> = { -readonly [K in keyof T]: StageSchemaOf<T[K]> };

const stageSchemaOf = <D extends TechniqueDescriptor>(d: D): StageSchemaOf<D> =>
  z.object({ technique: z.literal(d.name as D["name"]), params: d.configSchema.prefault({}) as z.ZodPrefault<D["configSchema"]>, from });

export const CompressionStage = z.discriminatedUnion(
  "technique",
  techniqueDescriptors.map(stageSchemaOf) as unknown as StageSchemasOf<typeof techniqueDescriptors>,
);
export type CompressionStage = z.infer<typeof CompressionStage>;

const keepsModel = (technique: string) => descriptorOf(technique)?.keepsModel === true;

/**
 * The stage whose model stage `index` hands on: itself, or — for a stage that keeps its model (an analysis) — the
 * stage whose model it read, followed back. Stages after an analysis read that model, and its order rules apply.
 */
export function modelStageOf(stages: readonly DraftStage[], index: number, keeps: (technique: string) => boolean = keepsModel): number {
  let at = index;
  for (let hops = 0; at > 0 && hops < stages.length && keeps(stages[at]?.technique ?? ""); hops++) at = stages[at].from ?? at - 1;
  return at;
}

/**
 * Order rules of a pipeline (stage 0 is the baseline). Each rule names the stage at fault:
 *  - technique names must be known (the zod union already says so; repeated here for callers that skip it);
 *  - only the first stage is the baseline, and `from` must point to an earlier stage;
 *  - no stage reads from a `terminal` technique's stage (INT8 quantize: branch off an earlier stage instead);
 *  - a `readsBaseline` technique (nas) reads from stage 0;
 *  (both about the model read: through a stage that keeps its model, the one it read — `modelStageOf`)
 *  - then each technique's own `stageIssues` (a distillation's teacher, say).
 */
export function pipelineIssues(stages: readonly DraftStage[]): PipelineIssue[] {
  const issues: PipelineIssue[] = [];
  stages.forEach((stage, index) => {
    const descriptor = descriptorOf(stage.technique);
    if (!descriptor && stage.technique !== "baseline") {
      issues.push({ path: [index, "technique"], message: `unknown technique "${stage.technique}"` });
      return;
    }
    if (index === 0) return; // the baseline; its own rules live with the Pipeline schema
    if (!descriptor) {
      issues.push({ path: [index, "technique"], message: "only the first stage can be the baseline" });
      return;
    }
    const source = stage.from ?? index - 1;
    if (stage.from !== undefined && (!Number.isInteger(stage.from) || stage.from < 0 || stage.from >= index)) {
      issues.push({ path: [index, "from"], message: `stage ${index} can only read from an earlier stage (0…${index - 1}), not ${stage.from}` });
      return;
    }
    const sourceField = stage.from === undefined ? "technique" : "from";
    const modelStage = modelStageOf(stages, source);
    const read = descriptorOf(stages[modelStage]?.technique ?? "");
    if (read?.terminal) {
      issues.push({
        path: [index, sourceField],
        message: `${stage.technique} cannot follow ${read.label} (stage ${modelStage}): ${read.terminal}; read from an earlier stage with "from" instead`,
      });
    }
    if (descriptor.readsBaseline && modelStage !== 0) {
      issues.push({ path: [index, sourceField], message: `${stage.technique} ${descriptor.readsBaseline} and must read from the baseline (stage 0), not stage ${modelStage}; set "from": 0` });
    }
    const params = paramsOf(stage);
    issues.push(...(descriptor.stageIssues?.(params, { index, source, sourceField, stages }) ?? []));
  });
  return issues;
}

/**
 * What each stage's `checkBeforeQueue` can tell from its params and the data's shape alone: a well-formed pipeline
 * the run cannot satisfy (→ 422 at submission, not a failed run). Stages whose params do not parse are left to
 * the schema's 400s.
 */
export function queueIssues(stages: readonly DraftStage[], data: DataShape): PipelineIssue[] {
  return stages.flatMap((stage, index) => {
    const descriptor = descriptorOf(stage.technique);
    const params = descriptor?.checkBeforeQueue ? descriptor.configSchema.safeParse(stage.params ?? {}) : undefined;
    const problem = params?.success ? descriptor!.checkBeforeQueue!(params.data, data) : null;
    return problem ? [{ path: [index, "params"], message: `Stage ${index} (${stage.technique}): ${problem}` }] : [];
  });
}
