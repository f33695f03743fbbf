// One Prisma client per process, its driver adapter chosen by DATABASE_URL. Kept on globalThis so Next's
// hot reload does not open a new pool on every edit.
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as PostgresClient } from "./generated/postgresql/client";
import { PrismaClient } from "./generated/sqlite/client";
import { providerOf, sqliteFilePath, type DatabaseProvider } from "./database-url";
import { env } from "./env";

export type Db = PrismaClient;

export function createDb(url: string): Db {
  const provider = providerOf(url);
  const client =
    provider === "postgresql"
      ? // Both clients are generated from one schema, so they have the same API; one type serves both.
        (new PostgresClient({ adapter: new PrismaPg({ connectionString: url }) }) as unknown as Db)
      : // A generous busy timeout: the web app and the worker write to the same SQLite file (in WAL mode).
        new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: `file:${sqliteFilePath(url)}`, timeout: 15_000 }) });
  providers.set(client, provider);
  urls.set(client, url);
  return client;
}

const providers = new WeakMap<Db, DatabaseProvider>();
const urls = new WeakMap<Db, string>();

/** Which database a client made by createDb talks to (undefined for anything else, e.g. a test's stand-in). */
export const providerOfDb = (db: Db): DatabaseProvider | undefined => providers.get(db);
/** The URL a client made by createDb was made from (lib/data-version.ts opens its own connection with it). */
export const urlOfDb = (db: Db): string | undefined => urls.get(db);

const holder = globalThis as unknown as { labDb?: Db };

/** How often the process's SQLite connection refreshes planner statistics that a growing table made stale. */
const SQLITE_OPTIMIZE_EVERY_MS = 60 * 60_000;

export function db(): Db {
  if (!holder.labDb) {
    const client = createDb(env().DATABASE_URL);
    if (providerOfDb(client) === "sqlite") {
      // SQLite's advice for long-lived connections (https://sqlite.org/lang_analyze.html): `PRAGMA optimize` now
      // and then; it re-analyses only tables whose size changed a lot since, so it is cheap when nothing did.
      setInterval(() => void client.$queryRawUnsafe("PRAGMA optimize").catch(() => {}), SQLITE_OPTIMIZE_EVERY_MS).unref();
    }
    holder.labDb = client;
  }
  return holder.labDb;
}
