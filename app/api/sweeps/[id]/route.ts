import { db } from "@/lib/db";
import { route } from "@/lib/http/route";
import { SweepIdParams } from "@/lib/schemas/sweep";
import { getSweep } from "@/lib/sweeps/get-sweep";

/** A sweep with its runs, seed groups (mean ± sd) and the best run per objective. */
export const GET = route({ params: SweepIdParams }, async ({ params }) => getSweep(db(), params.id));
