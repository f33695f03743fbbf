import { db } from "@/lib/db";
import { route } from "@/lib/http/route";
import { runSnapshot } from "@/lib/runs/run-snapshot";
import { RunIdParams } from "@/lib/schemas/run";

export const GET = route({ params: RunIdParams }, async ({ params }) => runSnapshot(db(), params.id));
