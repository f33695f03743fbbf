import { db } from "@/lib/db";
import { route } from "@/lib/http/route";
import { cancelRun } from "@/lib/runs/cancel-run";
import { RunIdParams } from "@/lib/schemas/run";

/** Cancel a queued or running run; the worker stops within a couple of seconds (it polls the row). */
export const POST = route({ params: RunIdParams }, async ({ params }) => cancelRun(db(), params.id));
