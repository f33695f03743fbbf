import { describe, expect, it } from "vitest";
import { parseRunIds, parseRunQuery, parseRunQueryLenient, runQueryString } from "./run-query";

describe("RunQuery", () => {
  it("fills defaults and coerces numbers from the URL", () => {
    expect(parseRunQuery({ page: "3", pageSize: "100", status: "running" })).toEqual({ sort: "started", dir: "desc", page: 3, pageSize: 100, status: "running" });
    expect(parseRunQuery(new URLSearchParams("q=&sort=accuracy&dir=asc"))).toMatchObject({ q: undefined, sort: "accuracy", dir: "asc", page: 1 });
  });
  it("rejects bad values strictly for the API", () => {
    expect(() => parseRunQuery({ status: "exploded" })).toThrow();
    expect(() => parseRunQuery({ pageSize: "37" })).toThrow();
    expect(() => parseRunQuery({ technique: "x'; DROP" })).toThrow();
  });
  it("drops only the bad parameters for pages", () => {
    const { query, dropped } = parseRunQueryLenient({ status: "exploded", page: "-1", q: "mnist", sort: "accuracy" });
    expect(dropped.sort()).toEqual(["page", "status"]);
    expect(query).toMatchObject({ q: "mnist", sort: "accuracy", page: 1 });
    expect(query.status).toBeUndefined();
  });
  it("filters by the verdict: yes, no, or any when absent", () => {
    expect(parseRunQuery({ meets: "yes" }).meets).toBe("yes");
    expect(parseRunQuery({ meets: "" }).meets).toBeUndefined();
    expect(() => parseRunQuery({ meets: "maybe" })).toThrow();
    expect(runQueryString(parseRunQuery({ meets: "no", status: "succeeded" }))).toBe("?status=succeeded&meets=no");
  });
  it("takes the first of repeated parameters", () => {
    expect(parseRunQuery({ status: ["failed", "running"] }).status).toBe("failed");
  });
  it("round-trips through a short query string", () => {
    const q = parseRunQuery({ q: "a b", technique: "prune", sort: "size", page: "2" });
    const s = runQueryString(q);
    expect(s).toBe("?q=a+b&technique=prune&sort=size&page=2");
    expect(parseRunQuery(new URLSearchParams(s.slice(1)))).toEqual(q);
    expect(runQueryString(q, { page: 1 })).toBe("?q=a+b&technique=prune&sort=size");
  });
});

describe("parseRunIds", () => {
  it("accepts both spellings, dedupes, drops junk and caps", () => {
    expect(parseRunIds({ runs: "a,b, c", run: ["b", "d/../x", "e"] })).toEqual(["a", "b", "c", "e"]);
    expect(parseRunIds({ runs: Array.from({ length: 15 }, (_, i) => `r${i}`).join(",") })).toHaveLength(10);
  });
});
