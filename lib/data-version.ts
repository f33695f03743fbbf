// A marker of "has anything been written since": what the view cache and the page cache compare before they
// recompute or re-render, so an idle dashboard at 100,000 runs does not re-read every stage every few seconds
// (issue #18). It may change when nothing the view reads did (that costs one recompute); it never stays equal
// across a committed write:
//   - SQLite: PRAGMA data_version changes when another connection (the worker) commits, and total_changes()
//     counts this connection's own inserts, updates and deletes (the one the web app writes through). Read on
//     the app's own connection: a second one left open in the process made the schema engine's migrations wait
//     for it (`seedUi` after a version read timed out after 60 s).
//   - PostgreSQL: the current snapshot (pg_current_snapshot(): the next transaction id and those in progress),
//     which moves only when a transaction that was given an id (one that writes) starts or ends. Two equal
//     snapshots see the same committed data. The WAL insert position used before moved on writes that change no
//     row too (autovacuum, checkpoints, for minutes after a bulk load), so every cached view was recomputed on
//     nearly every request while the bench ran (a run page at 100,000 runs: p95 105 ms there, 65–70 ms alone).
//     Cluster-wide: another database's writes cost a harmless recompute. Read on a connection of its own,
//     outside Prisma: every page the page cache serves costs one read, which through Prisma cost 0.72 ms of CPU
//     and here 0.17 ms (2,000 reads each, this machine).
// null when it cannot be read (an unknown client, a standby server): the caller then recomputes.
import pg from "pg";
import { Prisma } from "./generated/sqlite/client";
import { providerOfDb, urlOfDb, type Db } from "./db";

const SQLITE_MARKER = Prisma.sql`SELECT (SELECT "data_version" FROM pragma_data_version()) || ':' || total_changes() AS "v"`;
const postgresReaders = new WeakMap<Db, pg.Pool>();

function postgresReader(db: Db, url: string): pg.Pool {
  let pool = postgresReaders.get(db);
  if (!pool) {
    // One connection, let go after 10 s idle, and never what keeps a script's process alive.
    pool = new pg.Pool({ connectionString: url, max: 1, idleTimeoutMillis: 10_000, allowExitOnIdle: true });
    pool.on("error", () => {}); // an idle connection dropped by the server: the next read opens another
    postgresReaders.set(db, pool);
  }
  return pool;
}

export async function dataVersion(db: Db): Promise<string | null> {
  const provider = providerOfDb(db);
  const url = urlOfDb(db);
  if (!provider || !url) return null;
  try {
    if (provider === "sqlite") {
      const [row] = await db.$queryRaw<{ v: string }[]>(SQLITE_MARKER);
      return row?.v != null ? String(row.v) : null;
    }
    const { rows } = await postgresReader(db, url).query<{ v: string }>("SELECT CAST(pg_current_snapshot() AS TEXT) AS v");
    return rows[0]?.v ?? null;
  } catch {
    return null;
  }
}
