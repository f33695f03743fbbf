// GET /api/runs — the runs table as JSON: the same filters, sort and pagination as the home page's URL.
import { db } from "@/lib/db";
import { route } from "@/lib/http/route";
import { listRuns } from "@/lib/runs/list-runs";
import { RunQuery } from "@/lib/runs/run-query";

export const dynamic = "force-dynamic";

export const GET = route({ query: RunQuery }, async ({ query }) => listRuns(db(), query));
