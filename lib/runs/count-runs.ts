// How many runs match a view's filters, kept for a few seconds per filter set. Counting is the one part of a
// runs-table page that cannot be an index walk of 50 rows: at 100,000 runs an exact COUNT costs 20–300 ms on
// SQLite, whose driver runs on the event loop, so ten people paging or re-sorting one view would queue behind
// it. The total a page shows may therefore lag new runs by COUNT_TTL_MS; the rows themselves are always fresh.
import type { Db } from "../db";

export const COUNT_TTL_MS = 5_000;
const MAX_ENTRIES = 500;
const cache = new WeakMap<Db, Map<string, { at: number; value: Promise<unknown> }>>();

/** `count()`'s result for `key`, from the cache while younger than COUNT_TTL_MS. */
export function cachedCount<T>(db: Db, key: string, count: () => Promise<T>): Promise<T> {
  let entries = cache.get(db);
  if (!entries) cache.set(db, (entries = new Map()));
  const hit = entries.get(key);
  if (hit && Date.now() - hit.at < COUNT_TTL_MS) return hit.value as Promise<T>;
  if (entries.size >= MAX_ENTRIES) entries.clear();
  const value = count();
  entries.set(key, { at: Date.now(), value });
  value.catch(() => entries.delete(key));
  return value;
}

/** Forget every cached count (tests, and writers that need the next page to see their run counted). */
export const forgetCounts = (db: Db) => cache.delete(db);
