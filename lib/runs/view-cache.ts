// What a view costs too much to compute per request, cached per filter set and refreshed off the request path:
// how many runs match (a filtered COUNT at 100,000 runs costs 50–500 ms) and the scatter's points (up to
// 100,000 stages). SQLite's driver runs on the event loop, so ten people paging one view would queue behind
// either. A result younger than VIEW_CACHE_TTL_MS is served as is; an older one is still served at once (a page's
// total, or the scatter, may lag new runs by a few seconds) while one refresh runs for everyone. Only the first
// request for a filter set waits. A result older than VIEW_CACHE_MAX_STALE_MS is not served at all: a view nobody
// opened for a minute is counted afresh (its first request waits), so a page never shows a total from minutes ago
// beside rows from now. The table's rows themselves are always fresh.
import type { Db } from "../db";

export const VIEW_CACHE_TTL_MS = 5_000;
export const VIEW_CACHE_MAX_STALE_MS = 60_000;
const MAX_ENTRIES = 500;
type Entry = { at: number; value: Promise<unknown>; refreshing?: boolean };
const cache = new WeakMap<Db, Map<string, Entry>>();

/** `count()`'s result for `key`: fresh from the cache, stale while one refresh runs, or counted now the first time. */
export function cachedViewResult<T>(db: Db, key: string, count: () => Promise<T>): Promise<T> {
  let entries = cache.get(db);
  if (!entries) cache.set(db, (entries = new Map()));
  const hit = entries.get(key);
  if (hit && Date.now() - hit.at < VIEW_CACHE_MAX_STALE_MS) {
    if (Date.now() - hit.at >= VIEW_CACHE_TTL_MS && !hit.refreshing) {
      hit.refreshing = true;
      const map = entries;
      count().then(
        (v) => map.set(key, { at: Date.now(), value: Promise.resolve(v) }),
        () => (hit.refreshing = false), // keep serving the old count; the next request tries again
      );
    }
    return hit.value as Promise<T>;
  }
  if (entries.size >= MAX_ENTRIES) entries.clear();
  const value = count();
  const map = entries;
  map.set(key, { at: Date.now(), value });
  value.catch(() => map.delete(key));
  return value;
}

/** Forget every cached result (tests, and writers that need the next page to see their run counted). */
export const forgetViewResults = (db: Db) => cache.delete(db);
