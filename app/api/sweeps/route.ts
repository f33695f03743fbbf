import { db } from "@/lib/db";
import { route } from "@/lib/http/route";
import { CreateSweep } from "@/lib/schemas/sweep";
import { createSweep } from "@/lib/sweeps/create-sweep";

/** Create a sweep: every combination (× seed) becomes a queued run of one experiment, all validated first. */
export const POST = route({ body: CreateSweep, status: 201 }, async ({ body }) => createSweep(db(), body));
