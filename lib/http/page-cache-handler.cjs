// Next's cache for rendered pages (next.config.ts `cacheHandler`), kept in this process's memory and checked
// against the database's data version (lib/data-version.ts). A page that declares `revalidate` (the run page) is
// rendered once per data version and served from here until something is written: Next's own rendering costs
// 6–14 ms of CPU per page (two thirds of a run page's cost at 100,000 runs), which ten visitors on two cores
// queued behind (bench:ui: a run page p95 126 ms, 13.8 ms of CPU each). Unlike Next's default (time-based ISR,
// stale-while-revalidate), an entry is never served once the data version has moved on: the request then waits
// for a fresh render, so a page never shows what was true before a write, as with a dynamic render.
//
// The version is read through the function lib/page-cache-version.ts registers on globalThis when the server
// starts (instrumentation.ts): this file is loaded by Next's server outside the app's bundle, so it cannot import
// the app's database client, and a second connection would be a second home for "what is the data version".
// Without that function (not registered yet, or the version cannot be read) nothing is served from here.
"use strict";

const VERSION_OF = Symbol.for("compression-lab.page-cache-version");
/** Entries kept per process (a run page is ~60 kB of HTML and RSC payload: 30 MB at most). */
const MAX_ENTRIES = 500;
/** A version read before a render labels what that render stores; one older than this belonged to a render that failed. */
const PENDING_MAX_MS = 30_000;

/** @type {Map<string, { value: unknown; lastModified: number; version: string | null; maxAgeMs: number | null }>} */
const entries = new Map();
/** The version each key's render started at: read in get() (before Next renders on a miss), used in set(). */
/** @type {Map<string, { version: string; at: number }>} */
const pending = new Map();

async function currentVersion() {
  const versionOf = globalThis[VERSION_OF];
  if (typeof versionOf !== "function") return null;
  try {
    return (await versionOf()) ?? null;
  } catch {
    return null;
  }
}

class PageCacheHandler {
  async get(key) {
    const entry = entries.get(key);
    // A page without a lifetime (`revalidate` false: built once, it reads nothing from the database) is always current.
    if (entry && entry.version === null) return { value: entry.value, lastModified: entry.lastModified };
    const version = await currentVersion();
    if (version === null) return null;
    if (!entry || entry.version !== version || (entry.maxAgeMs !== null && Date.now() - entry.lastModified > entry.maxAgeMs)) {
      // A miss: Next renders now. A render already in flight keeps its (older) version, since this request may be
      // answered by it: older data must not be labelled with a newer version.
      const started = pending.get(key);
      if (!started || Date.now() - started.at > PENDING_MAX_MS) pending.set(key, { version, at: Date.now() });
      return null;
    }
    entries.delete(key); // most recently used last: the first key is the one evicted
    entries.set(key, entry);
    // lastModified now: the version check above is what decides freshness, not Next's clock.
    return { value: entry.value, lastModified: Date.now() };
  }

  async set(key, value, ctx) {
    const revalidate = ctx?.cacheControl?.revalidate;
    const started = pending.get(key);
    pending.delete(key);
    if (value == null) return;
    if (revalidate === false) return store(key, { value, lastModified: Date.now(), version: null, maxAgeMs: null });
    // Rendered without a version read first (none registered yet): not stored, the next request renders again.
    if (!started) return;
    store(key, { value, lastModified: Date.now(), version: started.version, maxAgeMs: typeof revalidate === "number" ? revalidate * 1000 : null });
  }

  async revalidateTag() {
    entries.clear();
  }

  resetRequestCache() {}
}

function store(key, entry) {
  entries.delete(key);
  if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value);
  entries.set(key, entry);
}

module.exports = PageCacheHandler;
module.exports.VERSION_OF = VERSION_OF;
module.exports.cachedPageCount = () => entries.size;
