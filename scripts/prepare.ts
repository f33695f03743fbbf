// Brings the database up to date and registers the built-in datasets. npm start runs it before the app.
import { applyMigrations } from "../prisma/migrate";
import { db } from "../lib/db";
import { env } from "../lib/env";
import { registerBuiltinDatasets } from "../lib/datasets/builtin";

const applied = await applyMigrations(env().DATABASE_URL);
console.log(applied.length ? `database: applied ${applied.join(", ")}` : "database: schema up to date");
const datasets = await registerBuiltinDatasets(db());
console.log(datasets.length ? `datasets: ${datasets.join(", ")}` : `datasets: none found under ${env().DATA_DIR} (install dataset-fashion-mnist)`);
await db().$disconnect();
