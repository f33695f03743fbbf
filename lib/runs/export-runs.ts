// The runs table and a run's stages as CSV or JSON downloads (the same columns as on screen, raw numbers).
import { toCsv, type CsvColumn } from "../dashboard/csv";
import { compareStages, type StageComparisonRow, type StageMetrics } from "../dashboard/stage-comparison";
import type { Db } from "../db";
import { notFound } from "../errors";
import { findRunIds, runRowsByIds, type RunRow } from "./list-runs";
import type { RunQuery } from "./run-query";

/** Rows fetched per query while an export streams. */
const EXPORT_CHUNK = 500;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const RUN_COLUMNS: CsvColumn<RunRow>[] = [
  { header: "run_id", value: (r) => r.id },
  { header: "experiment", value: (r) => r.experiment.name },
  { header: "dataset", value: (r) => r.experiment.datasetId },
  { header: "architecture", value: (r) => r.experiment.baseArch },
  { header: "tags", value: (r) => r.tags.join(";") },
  { header: "pipeline", value: (r) => r.stages.map((s) => s.technique).join(">") },
  { header: "status", value: (r) => r.status },
  { header: "best_top1", value: (r) => r.bestAccuracy },
  { header: "final_latency_p50_ms", value: (r) => r.finalLatencyMs },
  { header: "final_size_bytes", value: (r) => r.finalSizeBytes },
  { header: "meets_requirements", value: (r) => r.meetsRequirements },
  { header: "ship_stage", value: (r) => r.shipStageIndex },
  { header: "backend", value: (r) => r.backend },
  { header: "seed", value: (r) => r.seed },
  { header: "queued_at", value: (r) => iso(r.queuedAt) },
  { header: "started_at", value: (r) => iso(r.startedAt) },
  { header: "finished_at", value: (r) => iso(r.finishedAt) },
  { header: "duration_s", value: (r) => (r.startedAt && r.finishedAt ? (r.finishedAt.getTime() - r.startedAt.getTime()) / 1000 : null) },
];

/** Every run of the view, in the view's order: the ids at one instant (no row twice, none skipped by new runs). */
async function exportIds(db: Db, query: RunQuery) {
  const { total } = await findRunIds(db, query, { take: 0, skip: 0 });
  // Every matching run, with headroom for runs created since the count.
  return (await findRunIds(db, query, { take: total + 1_000, skip: 0 })).ids;
}

async function* exportRows(db: Db, ids: string[]): AsyncGenerator<RunRow[]> {
  for (let i = 0; i < ids.length; i += EXPORT_CHUNK) yield runRowsByIds(db, ids.slice(i, i + EXPORT_CHUNK));
}

/** All rows of the view in memory (tests, small views); downloads use streamRunsExport. */
export async function exportRuns(db: Db, query: RunQuery) {
  const ids = await exportIds(db, query);
  const rows: RunRow[] = [];
  for await (const chunk of exportRows(db, ids)) rows.push(...chunk);
  return { rows, total: rows.length };
}

/**
 * The view as a CSV or JSON download that streams: 500 rows at a time are read and written, so 100,000 runs
 * never sit in memory at once and nothing is cut off.
 */
export async function streamRunsExport(db: Db, query: RunQuery, format: "csv" | "json"): Promise<ReadableStream<Uint8Array>> {
  const ids = await exportIds(db, query);
  const chunks = exportRows(db, ids);
  const encoder = new TextEncoder();
  let first = true;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(format === "csv" ? toCsv(RUN_COLUMNS, []) : `{"total":${ids.length},"runs":[`));
    },
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) {
        if (format === "json") controller.enqueue(encoder.encode("]}\n"));
        controller.close();
        return;
      }
      if (next.value.length === 0) return;
      const text = format === "csv"
        ? toCsv(RUN_COLUMNS, next.value).split("\r\n").slice(1).join("\r\n")
        : next.value.map((r) => JSON.stringify(runJson(r))).map((j) => (first ? ((first = false), j) : `,${j}`)).join("");
      controller.enqueue(encoder.encode(text));
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}

const runJson = (r: RunRow) => Object.fromEntries(RUN_COLUMNS.map((c) => [c.header, c.value(r) ?? null]));

export function runsToCsv(rows: RunRow[]): string {
  return toCsv(RUN_COLUMNS, rows);
}

export function runsToJson(rows: RunRow[], total: number): string {
  return JSON.stringify({
    total,
    runs: rows.map(runJson),
  }, null, 2);
}

type StageRow = StageComparisonRow<StageMetrics & { durationMs: number | null }>;

export const STAGE_COLUMNS: CsvColumn<StageRow>[] = [
  { header: "stage", value: (r) => r.stage.index },
  { header: "technique", value: (r) => r.stage.technique },
  { header: "status", value: (r) => r.stage.status },
  { header: "top1", value: (r) => r.stage.accuracy },
  { header: "top5", value: (r) => r.stage.top5 },
  { header: "delta_top1_vs_baseline", value: (r) => r.deltaAccuracy },
  { header: "latency_p50_ms", value: (r) => r.stage.latencyP50Ms },
  { header: "latency_p95_ms", value: (r) => r.stage.latencyP95Ms },
  { header: "speedup", value: (r) => r.speedup },
  { header: "size_bytes", value: (r) => r.stage.sizeBytes },
  { header: "gzip_bytes", value: (r) => r.stage.gzipBytes },
  { header: "compression_ratio", value: (r) => r.compressionRatio },
  { header: "params", value: (r) => r.stage.paramCount },
  { header: "nonzero_params", value: (r) => r.stage.nonzeroParams },
  { header: "sparsity", value: (r) => r.stage.sparsity },
  { header: "macs", value: (r) => r.stage.macs },
  { header: "check_accuracy", value: (r) => r.checks.accuracy },
  { header: "check_latency", value: (r) => r.checks.latency },
  { header: "check_size", value: (r) => r.checks.size },
  { header: "duration_ms", value: (r) => r.stage.durationMs },
];

export async function exportRunStages(db: Db, runId: string) {
  const run = await db.run.findUnique({
    where: { id: runId },
    select: {
      id: true, requirements: true, experiment: { select: { name: true } },
      stages: {
        orderBy: { index: "asc" },
        select: { index: true, technique: true, status: true, accuracy: true, top5: true, latencyP50Ms: true, latencyP95Ms: true, sizeBytes: true, gzipBytes: true, paramCount: true, nonzeroParams: true, macs: true, sparsity: true, durationMs: true, params: true, verdict: true },
      },
    },
  });
  if (!run) throw notFound("Run");
  const rows = compareStages(run.stages);
  return { name: run.experiment.name, csv: () => toCsv(STAGE_COLUMNS, rows), json: () => JSON.stringify({ runId: run.id, experiment: run.experiment.name, requirements: run.requirements, stages: rows.map((r) => ({ ...Object.fromEntries(STAGE_COLUMNS.map((c) => [c.header, c.value(r) ?? null])), params: r.stage.params })) }, null, 2) };
}
