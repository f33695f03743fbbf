// GET /api/stages — the scatter's points: every measured stage of the runs a view shows (the runs table's
// filters, up to 100,000 points, columnar), or of the runs named in `runs=a,b` (the compare page); with
// `encoding=gzip` the same JSON gzipped, which the dashboard asks for (a fifth of the bytes to send).
import { db } from "@/lib/db";
import { route } from "@/lib/http/route";
import { encodeBody, listStagePoints, stagePointsBody } from "@/lib/runs/list-stage-points";
import { StagePointsQuery as Query } from "@/lib/schemas/run-queries";

export const dynamic = "force-dynamic";

export const GET = route({ query: Query }, async ({ query }) => {
  const { runs, encoding, ...view } = query;
  // Named runs (the compare page: a few) are read fresh and small; a view's answer is cached encoded, as JSON and
  // gzipped, and sent as is: never serialised or compressed again per request.
  const body = runs ? await encodeBody(await listStagePoints(db(), { ids: [...new Set(runs.split(","))] })) : await stagePointsBody(db(), view);
  return encoding === "gzip"
    ? new Response(body.gzip, { headers: { "Content-Type": "application/gzip" } })
    : new Response(body.json, { headers: { "Content-Type": "application/json" } });
});
