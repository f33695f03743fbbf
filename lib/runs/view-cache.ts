// What a view costs too much to compute per request, cached per filter set and refreshed off the request path:
// how many runs match (a filtered COUNT at 100,000 runs costs 50–500 ms) and the scatter's points (up to
// 100,000 stages). SQLite's driver runs on the event loop, so ten people paging one view would queue behind
// either. A result younger than VIEW_CACHE_TTL_MS is served as is; an older one is still served at once (a page's
// total, or the scatter, may lag new runs by a few seconds) while one refresh runs for everyone. Only the first
// request for a filter set waits. A result older than VIEW_CACHE_MAX_STALE_MS is not served at all: a view nobody
// opened for a minute is counted afresh (its first request waits), so a page never shows a total from minutes ago
// beside rows from now. A refresh first reads the database's data version (lib/data-version.ts): unchanged since
// the result was computed, the result is still right and is kept as fresh without recomputing it (the scatter's
// 100,000 points are not re-read while nothing is written). What a page shows as current — the table's rows, a
// run, the compared runs — goes through currentViewResult below instead: shared only at the same data version.
import type { Db } from "../db";
import { dataVersion } from "../data-version";

export const VIEW_CACHE_TTL_MS = 5_000;
export const VIEW_CACHE_MAX_STALE_MS = 60_000;
const MAX_ENTRIES = 500;
/** `version`: the data version read before `value` was computed (null: unknown, always recompute). */
type Entry = { at: number; value: Promise<unknown>; version: string | null; refreshing?: boolean };
const cache = new WeakMap<Db, Map<string, Entry>>();

/** `count()`'s result for `key`: fresh from the cache, stale while one refresh runs, or counted now the first time. */
export function cachedViewResult<T>(db: Db, key: string, count: () => Promise<T>, versionOf: (db: Db) => Promise<string | null> = dataVersion): Promise<T> {
  let entries = cache.get(db);
  if (!entries) cache.set(db, (entries = new Map()));
  const hit = entries.get(key);
  if (hit && Date.now() - hit.at < VIEW_CACHE_MAX_STALE_MS) {
    if (Date.now() - hit.at >= VIEW_CACHE_TTL_MS && !hit.refreshing) {
      hit.refreshing = true;
      const map = entries;
      versionOf(db)
        .then(async (version) => {
          if (version !== null && version === hit.version) return void map.set(key, { ...hit, at: Date.now(), refreshing: false });
          const value = await count();
          map.set(key, { at: Date.now(), value: Promise.resolve(value), version });
        })
        .catch(() => (hit.refreshing = false)); // keep serving the old result; the next request tries again
    }
    return hit.value as Promise<T>;
  }
  if (entries.size >= MAX_ENTRIES) entries.clear();
  // The version is read before counting, so a write during the count makes the next refresh recompute.
  const version = versionOf(db);
  const value = version.then(() => count());
  const map = entries;
  const entry: Entry = { at: Date.now(), value, version: null };
  map.set(key, entry);
  version.then((v) => (entry.version = v), () => {});
  value.catch(() => map.delete(key));
  return value;
}

type Current = { at: number; version: string; value: Promise<unknown> };
const current = new WeakMap<Db, Map<string, Current>>();

/**
 * `compute()`'s result for `key` as the database is now: the stored result while the data version it was computed
 * at is still the database's (and it is younger than VIEW_CACHE_TTL_MS, the lag a page's cached total may carry
 * into it), else computed afresh. Unlike cachedViewResult it never answers from before a write: for what a page
 * shows as current, its rows. Ten people on one page of an idle table cost one version read each (0.1 ms on
 * SQLite, 0.6 ms on PostgreSQL) instead of the page's queries; requests at one version share one computation.
 */
export async function currentViewResult<T>(db: Db, key: string, compute: () => Promise<T>, versionOf: (db: Db) => Promise<string | null> = dataVersion): Promise<T> {
  const version = await versionOf(db);
  if (version === null) return compute();
  let entries = current.get(db);
  if (!entries) current.set(db, (entries = new Map()));
  const hit = entries.get(key);
  if (hit && hit.version === version && Date.now() - hit.at < VIEW_CACHE_TTL_MS) return hit.value as Promise<T>;
  if (entries.size >= MAX_ENTRIES) entries.clear();
  const value = compute();
  const map = entries;
  map.set(key, { at: Date.now(), version, value });
  value.catch(() => map.delete(key));
  return value;
}

/** Forget every cached result (tests, and writers that need the next page to see their run counted). */
export const forgetViewResults = (db: Db) => {
  cache.delete(db);
  current.delete(db);
};
