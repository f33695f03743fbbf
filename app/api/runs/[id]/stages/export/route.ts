// GET /api/runs/:id/stages/export?format=csv|json — a run's per-stage comparison table as a download.
import { db } from "@/lib/db";
import { downloadResponse } from "@/lib/http/download";
import { route } from "@/lib/http/route";
import { exportRunStages } from "@/lib/runs/export-runs";
import { RunIdParams } from "@/lib/schemas/run";
import { ExportFormat } from "@/lib/schemas/run-queries";

export const dynamic = "force-dynamic";

export const GET = route({ params: RunIdParams, query: ExportFormat }, async ({ params, query }) => {
  const out = await exportRunStages(db(), params.id);
  return downloadResponse(query.format === "csv" ? out.csv() : out.json(), query.format, `${out.name}-stages`);
});
