import { presetPipelines } from "@/lib/dashboard/presets";
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { route } from "@/lib/http/route";
import { PresetsQuery } from "@/lib/schemas/preset";

// GET /api/presets?architecture=…&datasetId=… — the presets fitted to that model and data (a student at most half
// the teacher, a NAS budget half the baseline), as the pipelines the form would launch.
export const GET = route({ query: PresetsQuery }, async ({ query }) => {
  const dataset = await db().dataset.findUnique({ where: { id: query.datasetId }, select: { inputShape: true, classes: true } });
  if (!dataset) throw notFound("Dataset");
  const shape = { inputShape: dataset.inputShape as [number, number, number], numClasses: (dataset.classes as string[]).length };
  return { presets: presetPipelines(query.architecture, shape) };
});
