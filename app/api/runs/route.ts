import { z } from "zod";
import { db } from "@/lib/db";
import { route } from "@/lib/http/route";
import { listRuns } from "@/lib/runs/list-runs";

const Query = z.object({
  take: z.coerce.number().int().min(1).max(200).default(50),
  skip: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const GET = route({ query: Query }, async ({ query }) => ({ runs: await listRuns(db(), query) }));
