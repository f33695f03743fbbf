// Generates one Prisma client per provider from prisma/schema.prisma (written for SQLite).
// The PostgreSQL schema differs only in its provider and output, so it is derived here, never edited by hand.
// `prisma generate` wants a schema-engine binary path although generation never runs it; with driver
// adapters nothing else of the engines is needed, so any existing file will do (offline machines have none).
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const sqliteSchema = path.join(root, "prisma/schema.prisma");
const postgresSchema = path.join(root, "lib/generated/postgresql.prisma");

export function postgresVariant(schema) {
  return schema
    .replace(/provider\s*=\s*"sqlite"/, 'provider = "postgresql"')
    .replace('output       = "../lib/generated/sqlite"', 'output       = "./postgresql"');
}

mkdirSync(path.dirname(postgresSchema), { recursive: true });
writeFileSync(postgresSchema, postgresVariant(readFileSync(sqliteSchema, "utf8")));

const prismaCli = createRequire(import.meta.url).resolve("prisma/build/index.js");
const env = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? prismaCli, PRISMA_HIDE_UPDATE_MESSAGE: "1" };
for (const schema of [sqliteSchema, postgresSchema]) {
  execFileSync(process.execPath, [prismaCli, "generate", "--schema", schema], { env, stdio: ["ignore", "ignore", "inherit"] });
}
console.log("prisma: generated clients for sqlite and postgresql");
