// A marker of "has anything been written since": what the view cache compares before recomputing a view, so an
// idle dashboard at 100,000 runs does not re-read every stage every few seconds (issue #18). It may change when
// nothing the view reads did (that costs one recompute); it never stays equal across a committed write:
//   - SQLite: PRAGMA data_version changes when another connection (the worker) commits, and total_changes()
//     counts this connection's own inserts, updates and deletes (the one the web app writes through);
//   - PostgreSQL: the current snapshot (pg_current_snapshot(): the next transaction id and those in progress),
//     which moves only when a transaction that was given an id (one that writes) starts or ends. Two equal
//     snapshots see the same committed data. The WAL insert position used before moved on writes that change no
//     row too (autovacuum, checkpoints, for minutes after a bulk load), so every cached view was recomputed on
//     nearly every request while the bench ran (a run page at 100,000 runs: p95 105 ms there, 65–70 ms alone).
//     Both are cluster-wide: another database's writes cost a harmless recompute.
// null when it cannot be read (an unknown client, a standby server): the caller then recomputes.
import { Prisma } from "./generated/sqlite/client";
import { providerOfDb, type Db } from "./db";

const MARKER_SQL = {
  sqlite: Prisma.sql`SELECT (SELECT "data_version" FROM pragma_data_version()) || ':' || total_changes() AS "v"`,
  postgresql: Prisma.sql`SELECT CAST(pg_current_snapshot() AS TEXT) AS "v"`,
};

export async function dataVersion(db: Db): Promise<string | null> {
  const provider = providerOfDb(db);
  if (!provider) return null;
  try {
    const [row] = await db.$queryRaw<{ v: string }[]>(MARKER_SQL[provider]);
    return row?.v != null ? String(row.v) : null;
  } catch {
    return null;
  }
}
