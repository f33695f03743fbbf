// Offline migrations for both databases.
//   tsx prisma/migrate.ts deploy            apply pending migrations to DATABASE_URL (default: the SQLite file)
//   tsx prisma/migrate.ts create <name>     write a new migration for SQLite and for PostgreSQL from schema.prisma
// Each provider has its own history (prisma/migrations/<provider>/), generated from the one schema.
import { mkdirSync, readdirSync, readFileSync, existsSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import type { MigrationList } from "@prisma/schema-engine-wasm";
import { DEFAULT_DATABASE_URL, providerOf, sqliteFilePath, type DatabaseProvider } from "../lib/database-url";
import { lastEnginePanic, openSchemaEngine, serially } from "./schema-engine";

const prismaDir = path.dirname(fileURLToPath(import.meta.url));
const noFilter = { externalTables: [], externalEnums: [] };

function schemaFor(provider: DatabaseProvider) {
  const sqlite = readFileSync(path.join(prismaDir, "schema.prisma"), "utf8");
  const content = provider === "sqlite" ? sqlite : sqlite.replace(/provider\s*=\s*"sqlite"/, 'provider = "postgresql"');
  return { path: path.join(prismaDir, "schema.prisma"), content };
}

const SQLITE_LOCK_WAIT_MS = 60_000;

function adapterFor(url: string) {
  if (providerOf(url) === "postgresql") return new PrismaPg({ connectionString: url });
  const file = sqliteFilePath(url);
  mkdirSync(path.dirname(file), { recursive: true });
  // A migration waits for a writer that holds the file (a running worker, a test seeding rows) rather than fail
  // after better-sqlite3's default 5 s: on a loaded 2-core machine a long write transaction outlasted that.
  return new PrismaBetterSqlite3({ url: `file:${file}`, timeout: SQLITE_LOCK_WAIT_MS });
}

function migrationsOf(provider: DatabaseProvider): MigrationList {
  const baseDir = path.join(prismaDir, "migrations", provider);
  const lockPath = path.join(baseDir, "migration_lock.toml");
  const dirs = existsSync(baseDir)
    ? readdirSync(baseDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()
    : [];
  return {
    baseDir,
    lockfile: { path: "migration_lock.toml", content: existsSync(lockPath) ? readFileSync(lockPath, "utf8") : null },
    shadowDbInitScript: "",
    migrationDirectories: dirs.map((dir) => ({
      path: dir,
      migrationFile: { path: "migration.sql", content: { tag: "ok", value: readFileSync(path.join(baseDir, dir, "migration.sql"), "utf8") } },
    })),
  };
}

/**
 * Applies every pending migration to the database at `url`; returns the names it applied. One at a time per
 * process (vitest sets up the SQLite and the PostgreSQL project at once).
 */
export function applyMigrations(url: string): Promise<string[]> {
  return serially(() => applyMigrationsNow(url));
}

async function applyMigrationsNow(url: string): Promise<string[]> {
  const provider = providerOf(url);
  const { engine, close } = await openSchemaEngine(schemaFor(provider), adapterFor(url));
  let applied: string[];
  try {
    applied = (await engine.applyMigrations({ migrationsList: migrationsOf(provider), filters: noFilter })).appliedMigrationNames;
  } catch (e) {
    const panic = lastEnginePanic();
    const message = e instanceof Error ? e.message : String(e);
    // The SQLite adapter reports SQLITE_BUSY as a kind the WebAssembly engine cannot name ("unknown variant
    // `SocketTimeout`"): say what it means.
    if (provider === "sqlite" && /SocketTimeout/.test(message)) {
      throw new Error(`migrations failed on sqlite: ${sqliteFilePath(url)} stayed locked by another process for ${SQLITE_LOCK_WAIT_MS / 1000} s; stop what is writing to it and start again`);
    }
    throw new Error(`migrations failed on ${provider}: ${message}${panic ? ` (engine: ${panic})` : ""}`);
  } finally {
    await close();
  }
  // WAL lets the web app read while a worker writes; the mode is stored in the file, so once is enough.
  if (provider === "sqlite") {
    const file = new Database(sqliteFilePath(url), { timeout: SQLITE_LOCK_WAIT_MS });
    file.pragma("journal_mode = WAL");
    // Planner statistics (sqlite_stat1), as SQLite advises at each start: without them SQLite 3.53 answered the
    // name sort at 100,000 runs from a wider covering index plus a temporary sort (15-19 ms against 0.2 ms), now
    // that every sort index carries nameKey. 0x10002 analyses every table that needs it; the web process repeats
    // plain `PRAGMA optimize` hourly as the table grows (lib/db.ts).
    file.pragma("optimize = 0x10002");
    file.close();
  }
  return applied;
}

/**
 * Writes the next migration of a provider's history: the SQL from the schema the last migration left
 * (kept beside it as schema.prisma) to the current one. Diffing two datamodels needs no shadow database,
 * which the WebAssembly engine cannot create for SQLite.
 */
async function createMigration(provider: DatabaseProvider, name: string): Promise<string | null> {
  const target = schemaFor(provider);
  const history = migrationsOf(provider);
  const last = history.migrationDirectories.at(-1);
  const { engine, close } = await openSchemaEngine(target, adapterFor(`file:${path.join(os.tmpdir(), `lab-diff-${process.pid}.db`)}`));
  try {
    const from = last
      ? { tag: "schemaDatamodel" as const, files: [{ path: target.path, content: readFileSync(path.join(history.baseDir, last.path, "schema.prisma"), "utf8") }] }
      : { tag: "empty" as const };
    const { stdout } = await engine.diff({ from, to: { tag: "schemaDatamodel", files: [target] }, script: true, exitCode: null, filters: noFilter });
    if (!stdout || /^-- This is an empty migration/.test(stdout.trim())) return null;
    const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
    const dir = path.join(history.baseDir, `${stamp}_${name}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "migration.sql"), stdout);
    writeFileSync(path.join(dir, "schema.prisma"), target.content);
    writeFileSync(path.join(history.baseDir, "migration_lock.toml"), `# Written by prisma/migrate.ts\nprovider = "${provider}"\n`);
    return dir;
  } finally {
    await close();
  }
}

async function main() {
  const [command, name] = process.argv.slice(2);
  if (command === "deploy") {
    const url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
    const applied = await applyMigrations(url);
    console.log(applied.length ? `migrations applied: ${applied.join(", ")}` : "database schema is up to date");
  } else if (command === "create" && name) {
    for (const provider of ["sqlite", "postgresql"] as const) {
      const dir = await createMigration(provider, name);
      console.log(dir ? `${provider}: wrote ${path.relative(process.cwd(), dir)}` : `${provider}: no changes`);
    }
  } else {
    console.error("usage: tsx prisma/migrate.ts deploy | create <name>");
    process.exit(2);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(`migrate: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
