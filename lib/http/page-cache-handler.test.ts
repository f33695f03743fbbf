// The page cache's rules, on the handler alone: an entry is served only at the data version its render started
// at, never before a version function exists, and never past its page's `revalidate`.
import { createRequire } from "node:module";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

const require = createRequire(import.meta.url);
type Handler = { get(key: string): Promise<{ value: unknown } | null>; set(key: string, value: unknown, ctx?: unknown): Promise<void>; revalidateTag(): Promise<void> };
const PageCacheHandler = require("./page-cache-handler.cjs") as { new (): Handler; VERSION_OF: symbol; cachedPageCount: () => number };

const page = (html: string) => ({ kind: "APP_PAGE", html });
const fresh = { cacheControl: { revalidate: 60 } };
let version: string | null;
let handler: Handler;
let n = 0;
let key: string;

beforeEach(async () => {
  version = "v1";
  (globalThis as Record<symbol, unknown>)[PageCacheHandler.VERSION_OF] = async () => version;
  handler = new PageCacheHandler();
  key = `/runs/page-cache-${n++}`;
});
afterEach(() => {
  delete (globalThis as Record<symbol, unknown>)[PageCacheHandler.VERSION_OF];
  vi.useRealTimers();
});

/** A request as Next makes it: a lookup, then on a miss a render that stores its page. */
async function request(html: string) {
  const hit = await handler.get(key);
  if (hit) return hit.value;
  await handler.set(key, page(html), fresh);
  return page(html);
}

describe("page cache", () => {
  it("serves a page rendered at the current data version, and renders again once the version moves", async () => {
    expect(await request("first")).toEqual(page("first"));
    expect(await request("second")).toEqual(page("first"));
    version = "v2";
    expect(await request("third")).toEqual(page("third"));
    expect(await request("fourth")).toEqual(page("third"));
  });

  it("labels a render with the version read before it, so a write during the render is not hidden", async () => {
    expect(await handler.get(key)).toBeNull(); // a render starts at v1…
    version = "v2"; // …the worker commits while it runs…
    expect(await handler.get(key)).toBeNull(); // …a second request at v2 shares that render
    await handler.set(key, page("rendered from v1 data"), fresh);
    expect(await handler.get(key)).toBeNull(); // at v2 it is not served: the next request renders afresh
    await handler.set(key, page("rendered at v2"), fresh);
    expect((await handler.get(key))?.value).toEqual(page("rendered at v2"));
  });

  it("serves nothing, and stores nothing, while the data version cannot be read", async () => {
    version = null;
    expect(await request("a")).toEqual(page("a"));
    expect(await request("b")).toEqual(page("b"));
    delete (globalThis as Record<symbol, unknown>)[PageCacheHandler.VERSION_OF];
    expect(await request("c")).toEqual(page("c"));
    version = "v1";
    (globalThis as Record<symbol, unknown>)[PageCacheHandler.VERSION_OF] = async () => {
      throw new Error("database down");
    };
    expect(await request("d")).toEqual(page("d"));
  });

  it("does not serve an entry older than its page's revalidate, even at the same version", async () => {
    vi.useFakeTimers({ now: 1_000_000, toFake: ["Date"] });
    await request("old");
    vi.setSystemTime(1_000_000 + 59_000);
    expect(await request("new")).toEqual(page("old"));
    vi.setSystemTime(1_000_000 + 61_000);
    expect(await request("new")).toEqual(page("new"));
  });

  it("keeps a page with no lifetime (built once, reading no data) across writes", async () => {
    expect(await handler.get(key)).toBeNull();
    await handler.set(key, page("static"), { cacheControl: { revalidate: false } });
    version = "v9";
    expect((await handler.get(key))?.value).toEqual(page("static"));
  });

  it("keeps at most 500 pages, evicting the least recently served", async () => {
    await handler.revalidateTag();
    const keys = Array.from({ length: 501 }, (_, i) => `/runs/evict-${i}`);
    for (const k of keys) {
      await handler.get(k);
      await handler.set(k, page(k), fresh);
      if (k === keys[0]) continue;
      await handler.get(keys[0]); // the first page stays in use
    }
    expect(PageCacheHandler.cachedPageCount()).toBe(500);
    expect((await handler.get(keys[0]))?.value).toEqual(page(keys[0]));
    expect(await handler.get(keys[1])).toBeNull();
  });
});
