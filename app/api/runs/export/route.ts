// GET /api/runs/export?format=csv|json&<the runs table's filters> — the filtered runs as a download.
import { z } from "zod";
import { downloadResponse } from "@/lib/dashboard/csv";
import { db } from "@/lib/db";
import { route } from "@/lib/http/route";
import { exportRuns, runsToCsv, runsToJson } from "@/lib/runs/export-runs";
import { RunQuery } from "@/lib/runs/run-query";

export const dynamic = "force-dynamic";

const Query = RunQuery.extend({ format: z.enum(["csv", "json"]).default("csv") });

export const GET = route({ query: Query }, async ({ query }) => {
  const { rows, total } = await exportRuns(db(), query);
  const stamp = new Date().toISOString().slice(0, 10);
  return downloadResponse(query.format === "csv" ? runsToCsv(rows) : runsToJson(rows, total), query.format, `compression-lab-runs-${stamp}`);
});
