// GET /api/runs/export?format=csv|json&<the runs table's filters> — the filtered runs as a download.
import { downloadResponse } from "@/lib/dashboard/csv";
import { db } from "@/lib/db";
import { route } from "@/lib/http/route";
import { exportRuns, runsToCsv, runsToJson } from "@/lib/runs/export-runs";
import { RunsExportQuery as Query } from "@/lib/schemas/run-queries";

export const dynamic = "force-dynamic";

export const GET = route({ query: Query }, async ({ query }) => {
  const { rows, total } = await exportRuns(db(), query);
  const stamp = new Date().toISOString().slice(0, 10);
  return downloadResponse(query.format === "csv" ? runsToCsv(rows) : runsToJson(rows, total), query.format, `compression-lab-runs-${stamp}`);
});
