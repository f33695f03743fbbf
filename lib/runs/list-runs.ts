// The runs table, filtered, sorted and paginated in the database. Every filter and sort reads a column of Run
// itself (the summary columns of run-summary.ts), each sort has an index that starts with parentRunId (the table
// lists top-level runs only), so a page is an index walk whatever the number of runs. The page of ids comes from
// portable SQL (quoted identifiers, no dialect functions: SQLite and PostgreSQL alike), and so do its rows.
import { providerOfDb, type Db } from "../db";
import { Prisma } from "../generated/sqlite/client";
import type { RunQuery } from "./run-query";
import { cachedViewResult, currentViewResult } from "./view-cache";
import { techniqueToken } from "./run-summary";

/** A view's filters: the WHERE clause and the count cache's key are both built from this one list. */
const FILTER_KEYS = ["q", "status", "technique", "dataset", "tag", "meets"] as const satisfies readonly (keyof RunQuery)[];
type Filters = Pick<RunQuery, (typeof FILTER_KEYS)[number]>;

/**
 * The FROM and WHERE clauses for a view's filters (`r` = Run, `e` = Experiment, joined only when needed;
 * with `withStages`, `s` = each of the run's stages and `e` always; with `nameIndex`, `n` = SQLite's name index).
 */
export function runFromWhereSql(f: Filters, extra: Prisma.Sql[] = [], withStages = false, nameIndex = false): Prisma.Sql {
  // NAS candidates are child runs; they are listed on their parent's page, not among the runs
  const clauses: Prisma.Sql[] = [Prisma.sql`r."parentRunId" IS NULL`, ...extra];
  if (f.status) clauses.push(Prisma.sql`r."status" = ${f.status}`);
  if (f.dataset) clauses.push(Prisma.sql`e."datasetId" = ${f.dataset}`);
  if (f.q) {
    const text = f.q.toLowerCase();
    // With the SQLite name index (nameIndex: see nameIndexFits), the runs whose name contains the text are looked
    // up in it first; the LIKE on Run stays the definition of a match either way.
    if (nameIndex) clauses.push(Prisma.sql`r."rowid" = n."rowid" AND n."nameKey" LIKE ${`%${text}%`}`);
    clauses.push(Prisma.sql`r."nameKey" LIKE ${`%${escapeLike(text)}%`} ESCAPE '\\'`);
  }
  // Tags are a JSON array of strings; its text form contains `"tag"` whatever the database's spacing.
  if (f.tag) clauses.push(Prisma.sql`CAST(e."tags" AS TEXT) LIKE ${`%${escapeLike(JSON.stringify(f.tag))}%`} ESCAPE '\\'`);
  // TRUE / FALSE literals: both databases read them (SQLite as 1 / 0), where a bound JS boolean is not portable.
  if (f.meets) clauses.push(Prisma.sql`r."meetsRequirements" = ${Prisma.raw(f.meets === "yes" ? "TRUE" : "FALSE")}`);
  if (f.technique) clauses.push(Prisma.sql`r."techniques" LIKE ${`%${escapeLike(techniqueToken(f.technique))}%`} ESCAPE '\\'`);
  // SQLite's CROSS JOIN keeps the join order as written: the name index (n) drives, else the planner prefers to
  // walk the sort's index (which now covers nameKey) and only filters by what the name index found.
  const run = nameIndex && f.q ? Prisma.sql`"RunNameSearch" n CROSS JOIN "Run" r` : Prisma.sql`"Run" r`;
  const from = withStages
    ? Prisma.sql`${run} JOIN "Experiment" e ON e."id" = r."experimentId" JOIN "Stage" s ON s."runId" = r."id"`
    : f.dataset || f.tag ? Prisma.sql`${run} JOIN "Experiment" e ON e."id" = r."experimentId"` : run;
  return Prisma.sql`FROM ${from} WHERE ${Prisma.join(clauses, " AND ")}`;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Below this many matching runs a name search reads the name index and sorts what it finds; above, it walks the sort's index. */
export const NAME_INDEX_MAX_MATCHES = 2_000;

/**
 * Whether a view's page should read SQLite's trigram name index (the migration name_search_indexes): a text
 * few runs contain is found there at once, where a walk of the sort's index would read every run (170-800 ms at
 * 100,000 runs). A text many runs contain is the other way round (the index hands back tens of thousands of
 * rows to sort, 200+ ms; the walk finds a page in a few ms), so the view's cached count decides. The index
 * takes three characters or more, and no LIKE wildcard (FTS5 has no ESCAPE). PostgreSQL's trigram index needs
 * none of this: its planner chooses between the GIN index and the walk from its own statistics.
 */
function nameIndexFits(db: Db, f: Filters, matching: number): boolean {
  return f.q != null && providerOfDb(db) === "sqlite" && f.q.length >= 3 && !/[\\%_]/.test(f.q) && matching <= NAME_INDEX_MAX_MATCHES;
}

/** The column each sort orders by; the metric ones are empty until a stage succeeds. */
const SORT_COLUMN: Record<RunQuery["sort"], string> = {
  started: "sortedAt", name: "nameKey", status: "status", accuracy: "bestAccuracy", latency: "finalLatencyMs", size: "finalSizeBytes",
};
const NULLABLE = new Set<RunQuery["sort"]>(["accuracy", "latency", "size"]);

function orderSql(sort: RunQuery["sort"], dir: RunQuery["dir"]): Prisma.Sql {
  const d = dir === "asc" ? "ASC" : "DESC";
  // One direction for every key, so the (parentRunId, column, …, id) index serves the order both ways; the id
  // breaks ties so pages never overlap.
  return Prisma.raw(`ORDER BY ${orderKeys(sort).map((k) => `r."${k}" ${d}`).join(", ")}`);
}

const idsOf = (db: Db, fromWhere: Prisma.Sql, order: Prisma.Sql, take: number, skip: number) =>
  take <= 0 ? Promise.resolve([]) : db.$queryRaw<{ id: string }[]>(Prisma.sql`SELECT r."id" AS "id" ${fromWhere} ${order} LIMIT ${take} OFFSET ${skip}`).then((rows) => rows.map((r) => r.id));

/**
 * The keyset condition "after run `id` in this order": a row-value comparison with the cursor run's own keys,
 * read in the same statement, which both databases answer with a seek into the sort's index.
 */
export function afterSql(keys: string[], dir: RunQuery["dir"], id: string): Prisma.Sql {
  const list = (alias: string) => Prisma.raw(keys.map((k) => `${alias}."${k}"`).join(", "));
  return Prisma.sql`(${list("r")}) ${Prisma.raw(dir === "asc" ? ">" : "<")} (SELECT ${list("c")} FROM "Run" c WHERE c."id" = ${id})`;
}

const orderKeys = (sort: RunQuery["sort"]) => (sort === "status" ? ["status", "sortedAt", "id"] : [SORT_COLUMN[sort], "id"]);

/** The filters' key in the view cache: every filter, in FILTER_KEYS' order. */
export const filterKey = (f: Filters) => JSON.stringify(FILTER_KEYS.map((k) => f[k]));

/** How many runs match the filters: an index-only count when only the top-level condition applies. */
export function countRuns(db: Db, f: Filters): Promise<number> {
  return cachedViewResult(db, filterKey(f), async () => {
    const [row] = await db.$queryRaw<{ n: number | bigint }[]>(Prisma.sql`SELECT COUNT(*) AS "n" ${runFromWhereSql(f)}`);
    return Number(row?.n ?? 0);
  });
}

/** How many of them have the sorted metric (where the runs without it start): counted on that metric's index. */
function countMeasured(db: Db, f: Filters, sort: RunQuery["sort"]): Promise<number> {
  return cachedViewResult(db, `${filterKey(f)}|${sort}`, async () => {
    const column = Prisma.raw(`r."${SORT_COLUMN[sort]}"`);
    const [row] = await db.$queryRaw<{ n: number | bigint }[]>(Prisma.sql`SELECT COUNT(*) AS "n" ${runFromWhereSql(f, [Prisma.sql`${column} IS NOT NULL`])}`);
    return Number(row?.n ?? 0);
  });
}

/** Where the cursor run sits: among the runs with the sorted column, those without it, or gone (deleted). */
async function cursorSegment(db: Db, id: string, sort: RunQuery["sort"]): Promise<"measured" | "unmeasured" | "gone"> {
  const column = Prisma.raw(`"${SORT_COLUMN[sort]}"`);
  const [row] = await db.$queryRaw<{ missing: number | bigint | boolean }[]>(
    Prisma.sql`SELECT CASE WHEN ${column} IS NULL THEN 1 ELSE 0 END AS "missing" FROM "Run" WHERE "id" = ${id}`,
  );
  return !row ? "gone" : Number(row.missing) === 1 ? "unmeasured" : "measured";
}

/**
 * Ids of one page of runs matching the view, and how many match in all. Runs without the sorted metric come
 * last in either direction: they are a second segment (newest first) after the runs that have it, because
 * SQLite and PostgreSQL order NULLs differently and `ORDER BY x IS NULL` defeats the index. With a cursor
 * (`after`) the page is a seek past that run; without one, an OFFSET of (page - 1) pages.
 */
export async function findRunIds(db: Db, query: RunQuery, limitOverride?: { take: number; skip: number }) {
  const take = limitOverride?.take ?? query.pageSize;
  const skip = limitOverride?.skip ?? (query.page - 1) * query.pageSize;
  const after = limitOverride ? undefined : query.after;
  const total = countRuns(db, query);
  const order = orderSql(query.sort, query.dir);
  const nameIndex = query.q ? nameIndexFits(db, query, await total) : false;
  const where = (extra: Prisma.Sql[] = []) => runFromWhereSql(query, extra, false, nameIndex);
  if (!NULLABLE.has(query.sort)) {
    const fromWhere = where();
    // a cursor whose run was deleted meanwhile falls back to the page number
    const seek = after != null && (await cursorSegment(db, after, query.sort)) !== "gone";
    const ids =
      after && seek
        ? await idsOf(db, where([afterSql(orderKeys(query.sort), query.dir, after)]), order, take, 0)
        : await idsOf(db, fromWhere, order, take, skip);
    return { ids, total: await total };
  }
  const column = Prisma.raw(`r."${SORT_COLUMN[query.sort]}"`);
  const withMetric = (extra: Prisma.Sql[] = []) => where([Prisma.sql`${column} IS NOT NULL`, ...extra]);
  const withoutMetric = (extra: Prisma.Sql[] = []) => where([Prisma.sql`${column} IS NULL`, ...extra]);
  const newestFirst = orderSql("started", "desc");
  const segment = after ? await cursorSegment(db, after, query.sort) : "gone";
  if (after && segment === "unmeasured") {
    // the cursor is among the runs without the metric: only that segment is left
    return { ids: await idsOf(db, withoutMetric([afterSql(orderKeys("started"), "desc", after)]), newestFirst, take, 0), total: await total };
  }
  if (after && segment === "measured") {
    const first = await idsOf(db, withMetric([afterSql(orderKeys(query.sort), query.dir, after)]), order, take, 0);
    const rest = await idsOf(db, withoutMetric(), newestFirst, take - first.length, 0);
    return { ids: [...first, ...rest], total: await total };
  }
  const first = await idsOf(db, withMetric(), order, take, skip);
  // Only a page past the measured runs needs to know how many they are.
  const measured = first.length < take ? await countMeasured(db, query, query.sort) : 0;
  const rest = await idsOf(db, withoutMetric(), newestFirst, take - first.length, Math.max(0, skip - measured));
  return { ids: [...first, ...rest], total: await total };
}

/** What the table shows of each stage (no confusion matrices, no curves), in RunRow's key order. */
const STAGE_COLUMNS = ["index", "technique", "status", "accuracy", "latencyP50Ms", "latencyP95Ms", "sizeBytes", "gzipBytes", "macs", "sparsity", "paramCount"] as const;
type StageSummary = {
  index: number; technique: string; status: string; accuracy: number | null; latencyP50Ms: number | null; latencyP95Ms: number | null;
  sizeBytes: number | null; gzipBytes: number | null; macs: number | null; sparsity: number | null; paramCount: number | null;
};

type RunColumns = {
  id: string; status: string; progress: Prisma.JsonValue | null; backend: string | null; seed: number; queuedAt: Date; startedAt: Date | null;
  finishedAt: Date | null; error: string | null; meetsRequirements: boolean | null; shipStageIndex: number | null; bestAccuracy: number | null;
  finalLatencyMs: number | null; finalSizeBytes: number | null;
  experimentId: string; experimentName: string; baseArch: string; datasetId: string; tags: Prisma.JsonValue;
};

// Integers may arrive as bigint (a driver's INTEGER) and booleans as 0 / 1 (SQLite): RunRow has numbers and booleans.
const int = (v: number | bigint | null) => (v == null ? null : Number(v));
const bool = (v: boolean | number | bigint | null) => (v == null ? null : Number(v) !== 0);

/**
 * Runs by id, in the order given, with what the runs table shows. Two portable queries (the runs with their
 * experiment, then their stages) rather than Prisma's nested findMany, whose per-row object building was most of
 * a page's server time at 100,000 runs (issue #18).
 */
export async function runRowsByIds(db: Db, ids: string[]) {
  if (ids.length === 0) return [];
  const inIds = Prisma.join(ids);
  const [runs, stages] = await Promise.all([
    db.$queryRaw<RunColumns[]>(Prisma.sql`SELECT r."id", r."status", r."progress", r."backend", r."seed", r."queuedAt", r."startedAt", r."finishedAt", r."error",
      r."meetsRequirements", r."shipStageIndex", r."bestAccuracy", r."finalLatencyMs", r."finalSizeBytes",
      e."id" AS "experimentId", e."name" AS "experimentName", e."baseArch", e."datasetId", e."tags"
      FROM "Run" r JOIN "Experiment" e ON e."id" = r."experimentId" WHERE r."id" IN (${inIds})`),
    db.$queryRaw<(StageSummary & { runId: string })[]>(
      Prisma.sql`SELECT s."runId", ${Prisma.raw(STAGE_COLUMNS.map((c) => `s."${c}"`).join(", "))} FROM "Stage" s WHERE s."runId" IN (${inIds}) ORDER BY s."runId", s."index"`,
    ),
  ]);
  const stagesOf = new Map<string, StageSummary[]>();
  for (const { runId, ...s } of stages) {
    const summary: StageSummary = { ...s, index: Number(s.index), sizeBytes: int(s.sizeBytes), gzipBytes: int(s.gzipBytes), paramCount: int(s.paramCount) };
    const list = stagesOf.get(runId);
    if (list) list.push(summary);
    else stagesOf.set(runId, [summary]);
  }
  const byId = new Map(runs.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const r = byId.get(id);
    if (!r) return [];
    const { experimentId, experimentName, baseArch, datasetId, tags, ...run } = r;
    return [withSummary({
      ...run, seed: Number(run.seed), meetsRequirements: bool(run.meetsRequirements), shipStageIndex: int(run.shipStageIndex), finalSizeBytes: int(run.finalSizeBytes),
      experiment: { id: experimentId, name: experimentName, baseArch, datasetId, tags },
      stages: stagesOf.get(id) ?? [],
    })];
  });
}

type RawRow = { stages: { technique: string }[]; experiment: { tags: unknown } };

function withSummary<R extends RawRow>(run: R) {
  const tags = Array.isArray(run.experiment.tags) ? (run.experiment.tags as unknown[]).filter((t): t is string => typeof t === "string") : [];
  return { ...run, tags, pipelineSummary: run.stages.map((s) => s.technique).join(" → ") };
}

/** One page of the runs table: read once per data version for everyone who shows it (view-cache.ts). */
export function listRuns(db: Db, query: RunQuery) {
  return currentViewResult(db, `rows|${JSON.stringify(query)}`, () => readRunsPage(db, query));
}

/**
 * The same page as JSON bytes, for GET /api/runs: serialised once per data version, like the rows themselves.
 * Serialising the page per request was a fifth of the route's CPU at 100,000 runs (--cpu-prof, 3,000 requests).
 */
export function listRunsJson(db: Db, query: RunQuery): Promise<Uint8Array<ArrayBuffer>> {
  return currentViewResult(db, `rows-json|${JSON.stringify(query)}`, async () => new TextEncoder().encode(JSON.stringify(await readRunsPage(db, query))));
}

async function readRunsPage(db: Db, query: RunQuery) {
  const found = await findRunIds(db, query);
  const { ids } = found;
  // The total may be a cached count a little older than the rows; it is never fewer than the runs this page shows.
  const total = Math.max(found.total, (query.page - 1) * query.pageSize + ids.length);
  const rows = await runRowsByIds(db, ids);
  // The next page's cursor: the last run of this one (null on the last page).
  const nextCursor = ids.length === query.pageSize && query.page * query.pageSize < total ? ids[ids.length - 1] : null;
  return { rows, total, page: query.page, pageSize: query.pageSize, pages: Math.max(1, Math.ceil(total / query.pageSize)), nextCursor };
}
export type RunList = Awaited<ReturnType<typeof listRuns>>;
export type RunRow = RunList["rows"][number];

const FACETS_TTL_MS = 15_000;
const facetCache = new WeakMap<Db, { at: number; value: Promise<Facets> }>();
type Facets = { datasets: { id: string; name: string }[]; techniques: string[]; tags: string[] };

/**
 * What the filter controls offer: datasets, techniques and tags that occur. They change rarely and cost two
 * DISTINCT scans, so each process keeps them for a few seconds.
 */
export function runFacets(db: Db): Promise<Facets> {
  const hit = facetCache.get(db);
  if (hit && Date.now() - hit.at < FACETS_TTL_MS) return hit.value;
  const value = loadFacets(db);
  facetCache.set(db, { at: Date.now(), value });
  value.catch(() => facetCache.delete(db));
  return value;
}

async function loadFacets(db: Db): Promise<Facets> {
  const [datasets, techniques, tagRows] = await Promise.all([
    db.dataset.findMany({ select: { id: true, name: true }, orderBy: { name: "asc" } }),
    db.$queryRaw<{ t: string }[]>(Prisma.sql`SELECT DISTINCT "technique" AS "t" FROM "Stage" ORDER BY "t"`),
    db.$queryRaw<{ t: string }[]>(Prisma.sql`SELECT DISTINCT CAST("tags" AS TEXT) AS "t" FROM "Experiment" LIMIT 1000`),
  ]);
  const tags = new Set<string>();
  for (const r of tagRows) {
    try {
      const list: unknown = JSON.parse(r.t);
      if (Array.isArray(list)) for (const t of list) if (typeof t === "string") tags.add(t);
    } catch {}
  }
  return { datasets, techniques: techniques.map((t) => t.t), tags: [...tags].sort() };
}
