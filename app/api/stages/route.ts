// GET /api/stages — the scatter's points: every measured stage of the runs a view shows (the runs table's
// filters), or of the runs named in `runs=a,b` (the compare page).
import { z } from "zod";
import { db } from "@/lib/db";
import { route } from "@/lib/http/route";
import { listStagePoints } from "@/lib/runs/list-stage-points";
import { RunQuery } from "@/lib/runs/run-query";

export const dynamic = "force-dynamic";

const Query = RunQuery.extend({
  runs: z.string().max(10 * 65).regex(/^[\w-]+(,[\w-]+)*$/, "comma-separated run ids").optional(),
});

export const GET = route({ query: Query }, async ({ query }) => {
  const { runs, ...view } = query;
  return listStagePoints(db(), runs ? { ids: [...new Set(runs.split(","))] } : { query: view });
});
