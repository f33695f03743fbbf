// GET /api/runs — the runs table as JSON: the same filters, sort and pagination as the home page's URL.
import { db } from "@/lib/db";
import { route } from "@/lib/http/route";
import { listRunsJson } from "@/lib/runs/list-runs";
import { RunQuery } from "@/lib/runs/run-query";

export const dynamic = "force-dynamic";

// Sent as bytes serialised once per data version (list-runs.ts), not serialised again per request.
export const GET = route({ query: RunQuery }, async ({ query }) => new Response(await listRunsJson(db(), query), { headers: { "Content-Type": "application/json" } }));
