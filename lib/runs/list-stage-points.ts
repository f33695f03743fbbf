// The points of the latency-vs-accuracy scatter: every measured stage of the runs in view, up to
// MAX_SCATTER_POINTS (100,000), newest runs first — never a silent cap: the answer says how many points it
// carries, of how many runs, out of how many that match. One query walks the view's runs in the table's
// default order and joins their stages; the answer (JSON text, columnar: lib/runs/stage-points.ts) is kept per
// filter set in the view cache, so ten people opening a 100,000-point view cost one query every few seconds.
import { gzipSync } from "node:zlib";
import type { Db } from "../db";
import { Prisma } from "../generated/sqlite/client";
import { countRuns, filterKey, runFromWhereSql } from "./list-runs";
import type { RunQuery } from "./run-query";
import { toColumns, type StagePoint, type StagePoints } from "./stage-points";
import { cachedViewResult } from "./view-cache";

export const MAX_SCATTER_POINTS = 100_000;

const SELECT = Prisma.sql`SELECT s."runId" AS "runId", e."name" AS "runName", s."index" AS "stageIndex", s."technique" AS "technique", s."accuracy" AS "accuracy",
  s."latencyP50Ms" AS "latencyP50Ms", s."sizeBytes" AS "sizeBytes", s."macs" AS "macs"`;
const MEASURED = [Prisma.sql`s."status" = 'succeeded'`, Prisma.sql`s."accuracy" IS NOT NULL`];

type Row = Omit<StagePoint, "sizeBytes"> & { sizeBytes: number | bigint | null };
const point = (r: Row): StagePoint => ({ ...r, sizeBytes: r.sizeBytes == null ? null : Number(r.sizeBytes), stageIndex: Number(r.stageIndex) });

async function queryPoints(db: Db, where: Prisma.Sql, order: Prisma.Sql, limit: number): Promise<StagePoint[]> {
  return (await db.$queryRaw<Row[]>(Prisma.sql`${SELECT} ${where} ${order} LIMIT ${limit}`)).map(point);
}

/**
 * The points of a view (the runs table's filters) as GET /api/stages answers them: the JSON text, and the same
 * gzipped once (megabytes at 100,000 points: compressing them per request would cost more than the query).
 */
export function stagePointsJson(db: Db, query: RunQuery, limit = MAX_SCATTER_POINTS): Promise<{ json: string; gzip: Buffer }> {
  return cachedViewResult(db, `stages|${limit}|${filterKey(query)}`, async () => {
    const [rows, matching] = await Promise.all([
      queryPoints(db, runFromWhereSql(query, MEASURED, true), Prisma.raw(`ORDER BY r."sortedAt" DESC, r."id" DESC, s."index" ASC`), limit),
      countRuns(db, query),
    ]);
    const json = JSON.stringify(toColumns(rows, { limit, matching }));
    return { json, gzip: gzipSync(json, { level: 6 }) };
  });
}

export async function listStagePoints(db: Db, source: { query: RunQuery } | { ids: string[] }, limit = MAX_SCATTER_POINTS): Promise<StagePoints> {
  if ("query" in source) return JSON.parse((await stagePointsJson(db, source.query, limit)).json) as StagePoints;
  // Named runs (the compare page: at most a few): always fresh, in the order asked.
  if (source.ids.length === 0) return toColumns([], { limit, matching: 0 });
  const rows = await queryPoints(
    db,
    Prisma.sql`FROM "Run" r JOIN "Experiment" e ON e."id" = r."experimentId" JOIN "Stage" s ON s."runId" = r."id" WHERE r."id" IN (${Prisma.join(source.ids)}) AND ${Prisma.join(MEASURED, " AND ")}`,
    Prisma.raw(`ORDER BY r."id", s."index"`),
    limit,
  );
  const order = new Map(source.ids.map((id, i) => [id, i]));
  rows.sort((a, b) => (order.get(a.runId) ?? 0) - (order.get(b.runId) ?? 0) || a.stageIndex - b.stageIndex);
  const existing = new Set(rows.map((r) => r.runId));
  return toColumns(rows, { limit, matching: source.ids.filter((id) => existing.has(id)).length });
}
