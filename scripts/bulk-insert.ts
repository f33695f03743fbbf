// Multi-row INSERTs for seeding many rows fast on SQLite or PostgreSQL (createMany goes row by row through the
// SQLite adapter: 5,000 runs took over a minute). Rows are plain objects keyed by column name; a missing column
// is NULL, Dates and JSON columns are converted the way Prisma stores them on each database.
import type { Db } from "../lib/db";
import type { DatabaseProvider } from "../lib/database-url";

export type Row = Record<string, unknown>;

/** The columns Prisma declares as Json; PostgreSQL needs them cast from text, SQLite stores the text. */
const JSON_COLUMNS = new Set(["tags", "classes", "inputShape", "pipeline", "training", "requirements", "progress", "params", "perClassAccuracy", "confusionMatrix", "details"]);
// Below SQLite's 32,766 bound variables and PostgreSQL's 65,535.
const MAX_PARAMS = 30_000;

export function bulkInsert(db: Db, provider: DatabaseProvider) {
  const pg = provider === "postgresql";
  const value = (column: string, v: unknown): unknown => {
    if (v == null) return null;
    if (v instanceof Date) return pg ? v.toISOString() : v.toISOString().replace("Z", "+00:00");
    if (JSON_COLUMNS.has(column)) return JSON.stringify(v);
    return v;
  };
  const placeholder = (column: string, n: number, sample: unknown) => {
    if (!pg) return "?";
    if (JSON_COLUMNS.has(column)) return `CAST($${n} AS JSONB)`;
    if (sample instanceof Date || /At$/.test(column)) return `CAST($${n} AS TIMESTAMP(3))`;
    return `$${n}`;
  };
  return async function insert(table: string, rows: Row[]): Promise<void> {
    if (rows.length === 0) return;
    const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    const perStatement = Math.max(1, Math.floor(MAX_PARAMS / columns.length));
    for (let start = 0; start < rows.length; start += perStatement) {
      const chunk = rows.slice(start, start + perStatement);
      const params: unknown[] = [];
      const tuples = chunk.map((row) => `(${columns.map((c) => (params.push(value(c, row[c])), placeholder(c, params.length, row[c]))).join(", ")})`);
      await db.$executeRawUnsafe(`INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES ${tuples.join(", ")}`, ...params);
    }
  };
}
