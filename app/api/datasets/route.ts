import { db } from "@/lib/db";
import { route } from "@/lib/http/route";

export const GET = route({}, async () => ({ datasets: await db().dataset.findMany({ orderBy: { name: "asc" } }) }));
