// GET /api/runs/:id/stages/:index/analysis?format=csv|json — an analyze stage's per-layer sensitivity as a download.
import { downloadResponse } from "@/lib/dashboard/csv";
import { db } from "@/lib/db";
import { route } from "@/lib/http/route";
import { exportStageAnalysis } from "@/lib/runs/export-stage-analysis";
import { StageParams } from "@/lib/schemas/run";
import { ExportFormat } from "@/lib/schemas/run-queries";

export const dynamic = "force-dynamic";

export const GET = route({ params: StageParams, query: ExportFormat }, async ({ params, query }) => {
  const out = await exportStageAnalysis(db(), params.id, params.index);
  return downloadResponse(query.format === "csv" ? out.csv() : out.json(), query.format, out.name);
});
