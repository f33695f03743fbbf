// GET /api/stages — the scatter's points: every measured stage of the runs a view shows (the runs table's
// filters), or of the runs named in `runs=a,b` (the compare page).
import { db } from "@/lib/db";
import { route } from "@/lib/http/route";
import { listStagePoints } from "@/lib/runs/list-stage-points";
import { StagePointsQuery as Query } from "@/lib/schemas/run-queries";

export const dynamic = "force-dynamic";

export const GET = route({ query: Query }, async ({ query }) => {
  const { runs, ...view } = query;
  return listStagePoints(db(), runs ? { ids: [...new Set(runs.split(","))] } : { query: view });
});
