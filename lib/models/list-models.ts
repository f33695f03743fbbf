// Every uploaded model, newest first, as the API answers it.
import type { Db } from "../db";
import { publicModel } from "./public-model";

export async function listModels(db: Db) {
  const rows = await db.model.findMany({ orderBy: { createdAt: "desc" } });
  return rows.map((m) => publicModel(m));
}
