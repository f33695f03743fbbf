import { db } from "@/lib/db";
import { registerDataset } from "@/lib/datasets/register-dataset";
import { RegisterDataset } from "@/lib/datasets/schemas";
import { route } from "@/lib/http/route";

// GET /api/datasets — every registered dataset with its class names, counts and input shape.
export const GET = route({}, async () => ({ datasets: await db().dataset.findMany({ orderBy: { name: "asc" } }) }));

// POST /api/datasets — register files already on the server (validated before the row is written).
export const POST = route({ body: RegisterDataset, status: 201 }, async ({ body }) => ({ dataset: await registerDataset(db(), body) }));
