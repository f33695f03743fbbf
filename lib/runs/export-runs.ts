// The runs table and a run's stages as CSV or JSON downloads (the same columns as on screen, raw numbers).
import { toCsv, type CsvColumn } from "../dashboard/csv";
import { compareStages, type StageComparisonRow, type StageMetrics } from "../dashboard/stage-comparison";
import type { Db } from "../db";
import { notFound } from "../errors";
import { findRunIds, runRowsByIds, type RunRow } from "./list-runs";
import type { RunQuery } from "./run-query";

/** At most this many rows per export — enough for every seeded run. */
export const MAX_EXPORT_ROWS = 10_000;

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

export async function exportRuns(db: Db, query: RunQuery) {
  const { ids, total } = await findRunIds(db, query, { take: MAX_EXPORT_ROWS, skip: 0 });
  const rows: RunRow[] = [];
  for (let i = 0; i < ids.length; i += 500) rows.push(...(await runRowsByIds(db, ids.slice(i, i + 500))));
  return { rows, total };
}

export function runsToCsv(rows: RunRow[]): string {
  return toCsv(RUN_COLUMNS, rows);
}

export function runsToJson(rows: RunRow[], total: number): string {
  return JSON.stringify({
    total,
    runs: rows.map((r) => Object.fromEntries(RUN_COLUMNS.map((c) => [c.header, c.value(r) ?? null]))),
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
