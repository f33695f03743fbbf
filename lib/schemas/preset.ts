// GET /api/presets: the form's presets fitted to an architecture and a dataset, as pipelines a run can use.
import { z } from "zod";
import { Architecture } from "../ml/models/architecture";

export const PresetsQuery = z.object({
  architecture: Architecture,
  datasetId: z.string().min(1, "name the dataset the run will use").max(200),
});
export type PresetsQuery = z.infer<typeof PresetsQuery>;

export const PresetPipeline = z.object({
  id: z.string(),
  label: z.string(),
  description: z.string(),
  /** the stages, ready for POST /api/experiments' `pipeline` */
  pipeline: z.array(z.object({ technique: z.string(), params: z.record(z.string(), z.unknown()), from: z.number().int().optional() })),
  requirements: z.object({ maxAccuracyDrop: z.number(), minLatencyReduction: z.number(), minSizeReduction: z.number() }),
  /** said when the preset had to change for this architecture */
  note: z.string().optional(),
  /** a bigger architecture to choose instead */
  suggest: Architecture.optional(),
});
export const PresetList = z.object({ presets: z.array(PresetPipeline) });
