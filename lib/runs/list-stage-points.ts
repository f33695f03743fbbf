// The points of the latency-vs-accuracy scatter: every measured stage of the runs in view, up to
// MAX_SCATTER_POINTS (100,000), newest runs first — never a silent cap: the answer says how many points it
// carries, of how many runs, out of how many that match. The answer (JSON, columnar:
// lib/runs/stage-points.ts) is kept per filter set in the view cache, so ten people opening a 100,000-point
// view cost one read every few seconds.
import { gzip } from "node:zlib";
import type { Db } from "../db";
import { Prisma } from "../generated/sqlite/client";
import { afterSql, countRuns, filterKey, runFromWhereSql } from "./list-runs";
import type { RunQuery } from "./run-query";
import { toColumns, type StagePoint, type StagePoints } from "./stage-points";
import { cachedViewResult } from "./view-cache";

export const MAX_SCATTER_POINTS = 100_000;

/** An answer encoded once: the JSON as UTF-8, and gzipped (GET /api/stages?encoding=gzip, what the dashboard asks for). */
export interface EncodedBody {
  json: Uint8Array<ArrayBuffer>;
  gzip: Uint8Array<ArrayBuffer>;
}

/** Compressed in libuv's thread pool: 5 MB take ~100 ms, off the event loop that serves the other requests. */
export async function encodeBody(points: StagePoints): Promise<EncodedBody> {
  const json = new TextEncoder().encode(JSON.stringify(points));
  const zipped = await new Promise<Buffer>((resolve, reject) => gzip(json, (e, out) => (e ? reject(e) : resolve(out))));
  return { json, gzip: new Uint8Array(zipped.buffer as ArrayBuffer, zipped.byteOffset, zipped.byteLength) };
}

const SELECT = Prisma.sql`SELECT s."runId" AS "runId", e."name" AS "runName", s."index" AS "stageIndex", s."technique" AS "technique", s."accuracy" AS "accuracy",
  s."latencyP50Ms" AS "latencyP50Ms", s."sizeBytes" AS "sizeBytes", s."macs" AS "macs"`;
const MEASURED = [Prisma.sql`s."status" = 'succeeded'`, Prisma.sql`s."accuracy" IS NOT NULL`];

type Row = Omit<StagePoint, "sizeBytes"> & { sizeBytes: number | bigint | null };
const point = (r: Row): StagePoint => ({ ...r, sizeBytes: r.sizeBytes == null ? null : Number(r.sizeBytes), stageIndex: Number(r.stageIndex) });

async function queryPoints(db: Db, where: Prisma.Sql, order: Prisma.Sql, limit: number): Promise<StagePoint[]> {
  return (await db.$queryRaw<Row[]>(Prisma.sql`${SELECT} ${where} ${order} LIMIT ${limit}`)).map(point);
}

/** Runs whose stages one query reads: small enough that SQLite's synchronous driver never holds the event loop long. */
const RUNS_PER_CHUNK = 1_000;

/**
 * The points of a view (the runs table's filters) as the bodies GET /api/stages answers, UTF-8 encoded and
 * gzipped once when computed (a 100,000-point view is ~5 MB, ~1 MB gzipped: encoding it per request was most of
 * the feed's own cost, and its bytes the rest: ten browsers fetching 5 MB each queue behind each other). Read in chunks of runs (a keyset walk of the view's default order, then those runs' stages), yielding to the
 * event loop between chunks: on SQLite one 100,000-row query would stall every other request for seconds.
 */
export function stagePointsBody(db: Db, query: RunQuery, limit = MAX_SCATTER_POINTS): Promise<EncodedBody> {
  return cachedViewResult(db, `stages|${limit}|${filterKey(query)}`, async () => {
    const matching = countRuns(db, query);
    const rows: StagePoint[] = [];
    let after: string | undefined;
    while (rows.length < limit) {
      const where = runFromWhereSql(query, after ? [afterSql(["sortedAt", "id"], "desc", after)] : []);
      const ids = (await db.$queryRaw<{ id: string }[]>(Prisma.sql`SELECT r."id" AS "id" ${where} ORDER BY r."sortedAt" DESC, r."id" DESC LIMIT ${RUNS_PER_CHUNK}`)).map((r) => r.id);
      if (ids.length === 0) break;
      rows.push(...(await stagesOf(db, ids)).slice(0, limit - rows.length));
      after = ids[ids.length - 1];
      if (ids.length < RUNS_PER_CHUNK) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    return encodeBody(toColumns(rows, { limit, matching: await matching }));
  });
}

/** The measured stages of these runs, in the order of `ids` and then by stage. */
async function stagesOf(db: Db, ids: string[]): Promise<StagePoint[]> {
  const rows = await queryPoints(
    db,
    Prisma.sql`FROM "Run" r JOIN "Experiment" e ON e."id" = r."experimentId" JOIN "Stage" s ON s."runId" = r."id" WHERE r."id" IN (${Prisma.join(ids)}) AND ${Prisma.join(MEASURED, " AND ")}`,
    Prisma.raw(`ORDER BY r."id", s."index"`),
    ids.length * 64,
  );
  const order = new Map(ids.map((id, i) => [id, i]));
  return rows.sort((a, b) => (order.get(a.runId) ?? 0) - (order.get(b.runId) ?? 0) || a.stageIndex - b.stageIndex);
}

export async function listStagePoints(db: Db, source: { query: RunQuery } | { ids: string[] }, limit = MAX_SCATTER_POINTS): Promise<StagePoints> {
  if ("query" in source) return JSON.parse(new TextDecoder().decode((await stagePointsBody(db, source.query, limit)).json)) as StagePoints;
  // Named runs (the compare page: at most a few): always fresh, in the order asked.
  const rows = source.ids.length ? (await stagesOf(db, source.ids)).slice(0, limit) : [];
  const existing = new Set(rows.map((r) => r.runId));
  return toColumns(rows, { limit, matching: source.ids.filter((id) => existing.has(id)).length });
}
