// Before an integration project: a fresh database with every migration applied, and a clean queue prefix.
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { applyMigrations } from "../prisma/migrate";
import { providerOf, sqliteFilePath } from "../lib/database-url";
import { clearQueue } from "./queue-keys";

interface ProjectLike {
  config: { env?: Record<string, string> };
}

/** Vitest hands globalSetup the project, whose `env` holds this project's database and queue prefix. */
export default async function setup(project: ProjectLike) {
  const env = { ...process.env, ...project.config.env };
  const url = env.DATABASE_URL!;
  if (providerOf(url) === "sqlite") {
    const file = sqliteFilePath(url);
    rmSync(path.dirname(file), { recursive: true, force: true });
    mkdirSync(path.dirname(file), { recursive: true });
  } else {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;");
    await client.end();
  }
  await applyMigrations(url);
  rmSync(env.ARTIFACT_DIR!, { recursive: true, force: true });
  await clearQueue(env.QUEUE_PREFIX!);
  return async () => clearQueue(env.QUEUE_PREFIX!);
}
