// The runs table, filtered, sorted and paginated in the database. Sorting by a stage metric (best accuracy,
// the final stage's latency or size) needs a correlated subquery, which Prisma's query API cannot express,
// so the page of ids comes from one portable SQL query (quoted identifiers, no dialect functions: it runs
// on SQLite and PostgreSQL alike) and the rows themselves from Prisma, with only the columns the table shows.
import type { Db } from "../db";
import { Prisma } from "../generated/sqlite/client";
import type { RunQuery } from "./run-query";

type Filters = Pick<RunQuery, "q" | "status" | "technique" | "dataset" | "tag" | "meets">;

/** The WHERE clause for a view's filters (`r` = Run, `e` = Experiment). */
export function runFilterSql(f: Filters): Prisma.Sql {
  // NAS candidates are child runs; they are listed on their parent's page, not among the runs
  const clauses: Prisma.Sql[] = [Prisma.sql`r."parentRunId" IS NULL`];
  if (f.status) clauses.push(Prisma.sql`r."status" = ${f.status}`);
  if (f.dataset) clauses.push(Prisma.sql`e."datasetId" = ${f.dataset}`);
  if (f.q) clauses.push(Prisma.sql`LOWER(e."name") LIKE ${`%${escapeLike(f.q.toLowerCase())}%`} ESCAPE '\\'`);
  // Tags are a JSON array of strings; its text form contains `"tag"` whatever the database's spacing.
  if (f.tag) clauses.push(Prisma.sql`CAST(e."tags" AS TEXT) LIKE ${`%${escapeLike(JSON.stringify(f.tag))}%`} ESCAPE '\\'`);
  // TRUE / FALSE literals: both databases read them (SQLite as 1 / 0), where a bound JS boolean is not portable.
  if (f.meets) clauses.push(Prisma.sql`r."meetsRequirements" = ${Prisma.raw(f.meets === "yes" ? "TRUE" : "FALSE")}`);
  if (f.technique) clauses.push(Prisma.sql`EXISTS (SELECT 1 FROM "Stage" t WHERE t."runId" = r."id" AND t."technique" = ${f.technique})`);
  return Prisma.sql`WHERE ${Prisma.join(clauses, " AND ")}`;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

const FINAL = (column: string) =>
  Prisma.raw(`(SELECT s."${column}" FROM "Stage" s WHERE s."runId" = r."id" AND s."status" = 'succeeded' ORDER BY s."index" DESC LIMIT 1)`);

function orderSql(sort: RunQuery["sort"], dir: RunQuery["dir"]): Prisma.Sql {
  const expr: Record<RunQuery["sort"], Prisma.Sql> = {
    started: Prisma.sql`COALESCE(r."startedAt", r."queuedAt")`,
    name: Prisma.sql`LOWER(e."name")`,
    status: Prisma.sql`r."status"`,
    accuracy: Prisma.sql`(SELECT MAX(s."accuracy") FROM "Stage" s WHERE s."runId" = r."id" AND s."status" = 'succeeded')`,
    latency: FINAL("latencyP50Ms"),
    size: FINAL("sizeBytes"),
  };
  const d = Prisma.raw(dir === "asc" ? "ASC" : "DESC");
  // Runs without the metric go last in either direction (SQLite and PostgreSQL disagree on NULLs otherwise);
  // the id breaks ties so pages never overlap.
  return Prisma.sql`ORDER BY (${expr[sort]}) IS NULL, ${expr[sort]} ${d}, r."queuedAt" DESC, r."id" DESC`;
}

/** Ids of one page of runs matching the view, and how many match in all. */
export async function findRunIds(db: Db, query: RunQuery, limitOverride?: { take: number; skip: number }) {
  const where = runFilterSql(query);
  const take = limitOverride?.take ?? query.pageSize;
  const skip = limitOverride?.skip ?? (query.page - 1) * query.pageSize;
  const [ids, counted] = await Promise.all([
    db.$queryRaw<{ id: string }[]>(Prisma.sql`SELECT r."id" AS "id" FROM "Run" r JOIN "Experiment" e ON e."id" = r."experimentId" ${where} ${orderSql(query.sort, query.dir)} LIMIT ${take} OFFSET ${skip}`),
    db.$queryRaw<{ n: number | bigint }[]>(Prisma.sql`SELECT COUNT(*) AS "n" FROM "Run" r JOIN "Experiment" e ON e."id" = r."experimentId" ${where}`),
  ]);
  return { ids: ids.map((r) => r.id), total: Number(counted[0]?.n ?? 0) };
}

const STAGE_SUMMARY = {
  index: true, technique: true, status: true, accuracy: true, latencyP50Ms: true, latencyP95Ms: true, sizeBytes: true, gzipBytes: true,
  macs: true, sparsity: true, paramCount: true,
} as const;

/** Runs by id, in the order given, with what the runs table shows (no confusion matrices, no curves). */
export async function runRowsByIds(db: Db, ids: string[]) {
  if (ids.length === 0) return [];
  const rows = await db.run.findMany({
    where: { id: { in: ids } },
    select: {
      id: true, status: true, progress: true, backend: true, seed: true, queuedAt: true, startedAt: true, finishedAt: true, error: true,
      meetsRequirements: true, shipStageIndex: true,
      experiment: { select: { id: true, name: true, baseArch: true, datasetId: true, tags: true } },
      stages: { orderBy: { index: "asc" }, select: STAGE_SUMMARY },
    },
  });
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id)).filter((r): r is (typeof rows)[number] => r != null).map(withSummary);
}

type RawRow = Awaited<ReturnType<Db["run"]["findMany"]>>[number] & {
  experiment: { id: string; name: string; baseArch: string; datasetId: string; tags: unknown };
  stages: { index: number; technique: string; status: string; accuracy: number | null; latencyP50Ms: number | null; sizeBytes: number | null }[];
};

/** Best accuracy over the succeeded stages; latency and size of the last succeeded stage (what ships). */
function withSummary<R extends Pick<RawRow, "stages" | "experiment">>(run: R) {
  const done = run.stages.filter((s) => s.status === "succeeded");
  const final = done.at(-1);
  const best = done.reduce<number | null>((b, s) => (s.accuracy != null && (b == null || s.accuracy > b) ? s.accuracy : b), null);
  const tags = Array.isArray(run.experiment.tags) ? (run.experiment.tags as unknown[]).filter((t): t is string => typeof t === "string") : [];
  return {
    ...run,
    tags,
    pipelineSummary: run.stages.map((s) => s.technique).join(" → "),
    bestAccuracy: best,
    finalLatencyMs: final?.latencyP50Ms ?? null,
    finalSizeBytes: final?.sizeBytes ?? null,
  };
}

/** One page of the runs table. */
export async function listRuns(db: Db, query: RunQuery) {
  const { ids, total } = await findRunIds(db, query);
  const rows = await runRowsByIds(db, ids);
  return { rows, total, page: query.page, pageSize: query.pageSize, pages: Math.max(1, Math.ceil(total / query.pageSize)) };
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
