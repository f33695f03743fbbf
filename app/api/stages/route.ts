// GET /api/stages — the scatter's points: every measured stage of the runs a view shows (the runs table's
// filters, up to 100,000 points, columnar), or of the runs named in `runs=a,b` (the compare page).
import { db } from "@/lib/db";
import { route } from "@/lib/http/route";
import { listStagePoints, stagePointsBody } from "@/lib/runs/list-stage-points";
import { StagePointsQuery as Query } from "@/lib/schemas/run-queries";

export const dynamic = "force-dynamic";

export const GET = route({ query: Query }, async ({ query }) => {
  const { runs, ...view } = query;
  if (runs) return listStagePoints(db(), { ids: [...new Set(runs.split(","))] });
  // The view's answer is cached as encoded JSON: sent as is, never serialised or encoded again per request.
  return new Response(await stagePointsBody(db(), view), { headers: { "Content-Type": "application/json" } });
});
