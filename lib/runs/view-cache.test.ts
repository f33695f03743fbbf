import { describe, expect, it, vi } from "vitest";
import type { Db } from "../db";
import { cachedViewResult, currentViewResult, VIEW_CACHE_MAX_STALE_MS, VIEW_CACHE_TTL_MS, forgetViewResults } from "./view-cache";

describe("cachedViewResult", () => {
  it("counts a filter set once per TTL, serves the stale count while one refresh runs, and never caches a failure", async () => {
    vi.useFakeTimers();
    try {
      const db = {} as Db;
      let n = 42;
      const count = vi.fn(async () => n);
      expect(await cachedViewResult(db, "a", count)).toBe(42);
      expect(await cachedViewResult(db, "a", count)).toBe(42);
      expect(count).toHaveBeenCalledTimes(1);
      await cachedViewResult(db, "b", count);
      expect(count).toHaveBeenCalledTimes(2);
      vi.advanceTimersByTime(VIEW_CACHE_TTL_MS + 1);
      n = 43;
      // stale: answered at once with the old count, one refresh for two requests
      expect(await Promise.all([cachedViewResult(db, "a", count), cachedViewResult(db, "a", count)])).toEqual([42, 42]);
      expect(count).toHaveBeenCalledTimes(3);
      expect(await cachedViewResult(db, "a", count)).toBe(43);
      forgetViewResults(db);
      await cachedViewResult(db, "a", count);
      expect(count).toHaveBeenCalledTimes(4);
      const failing = vi.fn(async () => { throw new Error("db down"); });
      await expect(cachedViewResult(db, "c", failing)).rejects.toThrow("db down");
      await expect(cachedViewResult(db, "c", failing)).rejects.toThrow("db down");
      expect(failing).toHaveBeenCalledTimes(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it("never serves a result older than the stale bound: a view opened after a quiet minute is counted afresh", async () => {
    vi.useFakeTimers();
    try {
      const db = {} as Db;
      let n = 1;
      const count = vi.fn(async () => n);
      expect(await cachedViewResult(db, "a", count)).toBe(1);
      vi.advanceTimersByTime(VIEW_CACHE_MAX_STALE_MS + 1);
      n = 5; // runs were added while nobody looked
      expect(await cachedViewResult(db, "a", count)).toBe(5);
      expect(count).toHaveBeenCalledTimes(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it("keeps a result without recomputing it while the data version is unchanged, and recomputes once it moves", async () => {
    vi.useFakeTimers();
    try {
      const db = {} as Db;
      let version: string | null = "v1";
      const versionOf = vi.fn(async () => version);
      let n = 1;
      const count = vi.fn(async () => n);
      expect(await cachedViewResult(db, "a", count, versionOf)).toBe(1);
      // stale, nothing written: one version read, no recompute, and the result counts as fresh again
      vi.advanceTimersByTime(VIEW_CACHE_TTL_MS + 1);
      n = 2; // (what a recompute would see: it must not run)
      expect(await cachedViewResult(db, "a", count, versionOf)).toBe(1);
      await vi.advanceTimersByTimeAsync(0);
      expect(count).toHaveBeenCalledTimes(1);
      expect(versionOf).toHaveBeenCalledTimes(2);
      await cachedViewResult(db, "a", count, versionOf);
      expect(versionOf).toHaveBeenCalledTimes(2); // fresh again: not even the version is read
      // many refreshes later, unchanged: still the one count
      for (let i = 0; i < 20; i++) {
        vi.advanceTimersByTime(VIEW_CACHE_TTL_MS + 1);
        await cachedViewResult(db, "a", count, versionOf);
        await vi.advanceTimersByTimeAsync(0);
      }
      expect(count).toHaveBeenCalledTimes(1);
      // a write moves the version: the next stale request starts one recompute
      version = "v2";
      vi.advanceTimersByTime(VIEW_CACHE_TTL_MS + 1);
      expect(await cachedViewResult(db, "a", count, versionOf)).toBe(1);
      await vi.advanceTimersByTimeAsync(0);
      expect(count).toHaveBeenCalledTimes(2);
      expect(await cachedViewResult(db, "a", count, versionOf)).toBe(2);
      // an unknown version (null) never matches: always recompute
      version = null;
      vi.advanceTimersByTime(VIEW_CACHE_TTL_MS + 1);
      await cachedViewResult(db, "a", count, versionOf);
      await vi.advanceTimersByTimeAsync(0);
      vi.advanceTimersByTime(VIEW_CACHE_TTL_MS + 1);
      await cachedViewResult(db, "a", count, versionOf);
      await vi.advanceTimersByTimeAsync(0);
      expect(count).toHaveBeenCalledTimes(4);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("currentViewResult", () => {
  it("answers from the stored result only at the data version it was computed at, and within the TTL", async () => {
    vi.useFakeTimers();
    try {
      const db = {} as Db;
      let version: string | null = "v1";
      const versionOf = vi.fn(async () => version);
      let rows = ["a"];
      const read = vi.fn(async () => rows);
      // requests at one version share one read
      expect(await Promise.all([currentViewResult(db, "p", read, versionOf), currentViewResult(db, "p", read, versionOf)])).toEqual([["a"], ["a"]]);
      expect(read).toHaveBeenCalledTimes(1);
      // a write moves the version: the very next request reads afresh, never the old rows
      rows = ["b"];
      version = "v2";
      expect(await currentViewResult(db, "p", read, versionOf)).toEqual(["b"]);
      expect(read).toHaveBeenCalledTimes(2);
      // same version but older than the TTL: read again (a cached total inside it may have lagged)
      vi.advanceTimersByTime(VIEW_CACHE_TTL_MS + 1);
      await currentViewResult(db, "p", read, versionOf);
      expect(read).toHaveBeenCalledTimes(3);
      // an unreadable version: never cached
      version = null;
      await currentViewResult(db, "p", read, versionOf);
      await currentViewResult(db, "p", read, versionOf);
      expect(read).toHaveBeenCalledTimes(5);
      // a failure is not kept
      version = "v3";
      const failing = vi.fn(async () => { throw new Error("db down"); });
      await expect(currentViewResult(db, "q", failing, versionOf)).rejects.toThrow("db down");
      await expect(currentViewResult(db, "q", failing, versionOf)).rejects.toThrow("db down");
      expect(failing).toHaveBeenCalledTimes(2);
    } finally {
      vi.useRealTimers();
    }
  });
});
