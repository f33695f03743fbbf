import { db } from "@/lib/db";
import { createExperiment } from "@/lib/experiments/create-experiment";
import { route } from "@/lib/http/route";
import { CreateExperiment } from "@/lib/schemas/experiment";

/** Create an experiment and queue its first run. */
export const POST = route({ body: CreateExperiment, status: 201 }, async ({ body }) => createExperiment(db(), body));
