// The runs table's view state — filters, sort and page — as one zod schema. The URL's search params, the
// JSON API and the exports all parse it, so a shared link shows exactly the same rows.
import { z } from "zod";
import { RunStatus } from "../schemas/run";

export const RUN_SORTS = ["started", "name", "status", "accuracy", "latency", "size"] as const;
export type RunSort = (typeof RUN_SORTS)[number];
export const PAGE_SIZES = [25, 50, 100, 200] as const;

const Slug = z.string().trim().min(1).max(64).regex(/^[\w.:-]+$/, "letters, digits, . : _ - only");
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === "" || v == null ? undefined : v), schema.optional());

export const RunQuery = z.object({
  /** Case-insensitive substring of the experiment's name. */
  q: optional(z.string().trim().max(100)),
  status: optional(RunStatus),
  /** Runs with at least one stage of this technique. */
  technique: optional(Slug),
  dataset: optional(Slug),
  tag: optional(z.string().trim().min(1).max(32)),
  /** The worker's verdict: some compressed stage meets every requirement (yes) or none does (no); absent = any. */
  meets: optional(z.enum(["yes", "no"])),
  sort: optional(z.enum(RUN_SORTS)).transform((v) => v ?? "started"),
  dir: optional(z.enum(["asc", "desc"])).transform((v) => v ?? "desc"),
  page: optional(z.coerce.number().int().min(1).max(100_000)).transform((v) => v ?? 1),
  pageSize: optional(z.coerce.number().int().refine((n) => (PAGE_SIZES as readonly number[]).includes(n), `one of ${PAGE_SIZES.join(", ")}`)).transform((v) => v ?? 50),
  /**
   * Keyset pagination: the id of the last run of the previous page (its `nextCursor`). The page starts right
   * after that run in the view's order — an index seek, however deep — and `page` only numbers it.
   */
  after: optional(z.string().regex(/^[\w-]{1,64}$/, "a run id")),
});
export type RunQuery = z.infer<typeof RunQuery>;

type SearchParams = Record<string, string | string[] | undefined> | URLSearchParams;

function plain(params: SearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  const entries = params instanceof URLSearchParams ? [...params.entries()] : Object.entries(params);
  for (const [k, v] of entries) {
    const value = Array.isArray(v) ? v[0] : v;
    if (value != null) out[k] = value;
  }
  return out;
}

/** Strict parse for the API: a bad parameter is a 400. */
export const parseRunQuery = (params: SearchParams): RunQuery => RunQuery.parse(plain(params));

/**
 * Lenient parse for pages: a hand-edited or stale URL never breaks the page — each bad parameter is dropped
 * (its default applies) and reported back so the page can say so.
 */
export function parseRunQueryLenient(params: SearchParams): { query: RunQuery; dropped: string[] } {
  const input = plain(params);
  const dropped: string[] = [];
  for (let attempt = 0; attempt < 12; attempt++) {
    const result = RunQuery.safeParse(input);
    if (result.success) return { query: result.data, dropped };
    for (const issue of result.error.issues) {
      const key = String(issue.path[0]);
      if (key in input) {
        delete input[key];
        dropped.push(key);
      }
    }
  }
  return { query: RunQuery.parse({}), dropped };
}

/** The search string for a view, without defaults, so links stay short. */
export function runQueryString(query: Partial<RunQuery>, overrides: Partial<Record<keyof RunQuery, string | number | undefined>> = {}): string {
  const merged: Record<string, unknown> = { ...query, ...overrides };
  const defaults: Record<string, unknown> = { sort: "started", dir: "desc", page: 1, pageSize: 50 };
  const params = new URLSearchParams();
  // A cursor belongs to the one page it was given for: any other link (a sort, a filter, page 1) drops it.
  if (!("after" in overrides)) delete merged.after;
  for (const key of ["q", "status", "technique", "dataset", "tag", "meets", "sort", "dir", "page", "pageSize", "after"]) {
    const v = merged[key];
    if (v == null || v === "" || defaults[key] === v) continue;
    params.set(key, String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : "";
}

/** Run ids from `?runs=a,b` and/or `?run=a&run=b` (the compare page's two spellings), deduplicated. */
export function parseRunIds(params: Record<string, string | string[] | undefined>, max = 10): string[] {
  const raw = [params.runs, params.run].flatMap((v) => (Array.isArray(v) ? v : v ? [v] : [])).flatMap((v) => v.split(","));
  const ids = [...new Set(raw.map((s) => s.trim()).filter((s) => /^[\w-]{1,64}$/.test(s)))];
  return ids.slice(0, max);
}
