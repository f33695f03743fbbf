// GET /api/stages — the scatter's points: every measured stage of the runs a view shows (the runs table's
// filters, up to 100,000 points, columnar), or of the runs named in `runs=a,b` (the compare page).
import { db } from "@/lib/db";
import { route } from "@/lib/http/route";
import { listStagePoints, stagePointsJson } from "@/lib/runs/list-stage-points";
import { StagePointsQuery as Query } from "@/lib/schemas/run-queries";

export const dynamic = "force-dynamic";

export const GET = route({ query: Query }, async ({ query, request }) => {
  const { runs, ...view } = query;
  if (runs) return listStagePoints(db(), { ids: [...new Set(runs.split(","))] });
  // The view's answer is cached as JSON text and gzipped once: sent as is, never serialised or compressed per request.
  const { json, gzip } = await stagePointsJson(db(), view);
  const gzipOk = /\bgzip\b/.test(request.headers.get("accept-encoding") ?? "");
  return new Response(gzipOk ? new Uint8Array(gzip) : json, {
    headers: { "Content-Type": "application/json", Vary: "Accept-Encoding", ...(gzipOk ? { "Content-Encoding": "gzip" } : {}) },
  });
});
