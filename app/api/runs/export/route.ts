// GET /api/runs/export?format=csv|json&<the runs table's filters> — every filtered run as a streamed download.
import { db } from "@/lib/db";
import { downloadResponse } from "@/lib/http/download";
import { route } from "@/lib/http/route";
import { streamRunsExport } from "@/lib/runs/export-runs";
import { RunsExportQuery as Query } from "@/lib/schemas/run-queries";

export const dynamic = "force-dynamic";

export const GET = route({ query: Query }, async ({ query }) => {
  const stamp = new Date().toISOString().slice(0, 10);
  return downloadResponse(await streamRunsExport(db(), query, query.format), query.format, `compression-lab-runs-${stamp}`);
});
