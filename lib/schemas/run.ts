import { z } from "zod";

export const RunStatus = z.enum(["queued", "running", "succeeded", "failed", "cancelled"]);
export type RunStatus = z.infer<typeof RunStatus>;
export const FINISHED_STATUSES: readonly RunStatus[] = ["succeeded", "failed", "cancelled"];

/** What the worker publishes while a run is going (job progress → SSE → progress bar; also kept on the row). */
export const RunProgress = z.object({
  stageIndex: z.number().int(),
  stages: z.number().int(),
  technique: z.string(),
  phase: z.enum(["loading", "training", "calibrating", "searching", "evaluating", "exporting", "measuring", "done"]),
  epoch: z.number().int().optional(),
  epochs: z.number().int().optional(),
  batch: z.number().int().optional(),
  batches: z.number().int().optional(),
  loss: z.number().optional(),
  accuracy: z.number().optional(),
  imagesPerSec: z.number().optional(),
  /** 0..1 over the whole run */
  fraction: z.number().min(0).max(1),
});
export type RunProgress = z.infer<typeof RunProgress>;

export const RunIdParams = z.object({ id: z.string().min(1).max(64).regex(/^[\w-]+$/, "not a run id") });

/** A stage of a run in a path: /api/runs/:id/stages/:index/… */
export const StageParams = RunIdParams.extend({ index: z.coerce.number().int().min(0).max(999) });
