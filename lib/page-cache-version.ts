// What the page cache (lib/http/page-cache-handler.cjs) compares before it serves a rendered page: the data
// version of the app's own database connection. Registered on globalThis because Next loads that handler outside
// the app's bundle; this is the one place that hands it over.
import { dataVersion } from "./data-version";
import { db } from "./db";

// The handler's VERSION_OF (a .cjs file outside the bundle, so the key is spelled in both; were they to differ,
// nothing would be cached, which lib/http/page-cache.int.test.ts's HIT checks catch).
const VERSION_OF = Symbol.for("compression-lab.page-cache-version");

export function registerPageCacheVersion() {
  (globalThis as Record<symbol, unknown>)[VERSION_OF] = () => dataVersion(db());
}
