import { db } from "@/lib/db";
import { publicDataset } from "@/lib/datasets/public-dataset";
import { registerDataset } from "@/lib/datasets/register-dataset";
import { RegisterDataset } from "@/lib/datasets/schemas";
import { route } from "@/lib/http/route";

// GET /api/datasets — every registered dataset with its class names, counts and input shape (its server path
// only for a signed-in caller; see lib/datasets/public-dataset.ts).
export const GET = route({}, async ({ request }) => ({
  datasets: (await db().dataset.findMany({ orderBy: { name: "asc" } })).map((d) => publicDataset(d, request.headers)),
}));

// POST /api/datasets — register files already on the server (validated before the row is written).
export const POST = route({ body: RegisterDataset, status: 201 }, async ({ body, request }) => ({
  dataset: publicDataset(await registerDataset(db(), body), request.headers),
}));
