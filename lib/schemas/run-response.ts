// What the runs API answers: a run's snapshot (GET /api/runs/:id and the `run` events of its SSE feed), the
// runs table, the scatter's points and a cancel. Dates are ISO strings; JSON columns are described loosely
// (their writers validate them). Objects stay open (`looseObject`): a column added later is not a breaking change.
import { z } from "zod";
import { PublicArtifact } from "./artifact";
import { Dataset } from "./dataset-response";
import { RunStatus } from "./run";

const Json = z.unknown();
const IsoDate = z.string();

/** One requirement judged on one stage; `value`/`pass` are null when the stage has no measurement for it. */
export const RequirementCheck = z.object({
  requirement: z.enum(["maxAccuracyDrop", "minLatencyReduction", "minSizeReduction"]),
  value: z.number().nullable(),
  limit: z.number(),
  pass: z.boolean().nullable(),
});
export const StageVerdict = z.object({ pass: z.boolean(), checks: z.array(RequirementCheck) });
export type StageVerdict = z.infer<typeof StageVerdict>;

export const Stage = z.looseObject({
  id: z.string(),
  runId: z.string(),
  index: z.number().int(),
  technique: z.string(),
  params: Json,
  /** pending | running | succeeded | failed */
  status: z.string(),
  accuracy: z.number().nullable(),
  top5: z.number().nullable(),
  latencyP50Ms: z.number().nullable(),
  latencyP95Ms: z.number().nullable(),
  latencyThreads: z.number().int().nullable(),
  latencyP50Ms2t: z.number().nullable(),
  latencyP95Ms2t: z.number().nullable(),
  throughput: z.number().nullable(),
  precision: z.string().nullable(),
  sizeBytes: z.number().int().nullable(),
  gzipBytes: z.number().int().nullable(),
  paramCount: z.number().int().nullable(),
  nonzeroParams: z.number().int().nullable(),
  macs: z.number().nullable(),
  sparsity: z.number().nullable(),
  perClassAccuracy: Json,
  confusionMatrix: Json,
  details: Json,
  durationMs: z.number().int().nullable(),
  startedAt: IsoDate.nullable(),
  finishedAt: IsoDate.nullable(),
  /** The worker's judgement of the run's requirements for this stage (null for the baseline or before it is measured). */
  verdict: StageVerdict.nullable().optional(),
});

export const MetricPoint = z.object({ id: z.number().int(), runId: z.string(), stageIndex: z.number().int(), name: z.string(), step: z.number().int(), value: z.number() });

export const RunSnapshot = z.looseObject({
  id: z.string(),
  experimentId: z.string(),
  status: RunStatus,
  pipeline: Json,
  training: Json,
  requirements: z.looseObject({ maxAccuracyDrop: z.number(), minLatencyReduction: z.number(), minSizeReduction: z.number() }),
  seed: z.number().int(),
  backend: z.string().nullable(),
  backendWarning: z.string().nullable(),
  attempts: z.number().int(),
  error: z.string().nullable(),
  /** the last progress the worker published (RunProgress) */
  progress: Json,
  queuedAt: IsoDate,
  startedAt: IsoDate.nullable(),
  finishedAt: IsoDate.nullable(),
  parentRunId: z.string().nullable(),
  /** the sweep this run belongs to (GET /api/sweeps/{id}), its swept values, and why the sweep stopped it early */
  sweepId: z.string().nullable().optional(),
  sweepValues: Json.optional(),
  stopReason: Json.optional(),
  experiment: z.looseObject({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    datasetId: z.string(),
    baseArch: z.string(),
    tags: Json,
    createdAt: IsoDate,
    dataset: Dataset,
  }),
  stages: z.array(Stage),
  artifacts: z.array(PublicArtifact),
  metrics: z.array(MetricPoint),
  /** NAS candidates: child runs with their one stage */
  children: z.array(z.looseObject({ id: z.string(), status: z.string(), stages: z.array(Json) })),
  /** Whether a stage meets every requirement (null while the run has no judged stage). */
  meetsRequirements: z.boolean().nullable().optional(),
  /** The stage to ship: the one that meets the requirements (null when none does). */
  shipStageIndex: z.number().int().nullable().optional(),
});
export type RunSnapshotResponse = z.infer<typeof RunSnapshot>;

const StageSummary = z.looseObject({
  index: z.number().int(),
  technique: z.string(),
  status: z.string(),
  accuracy: z.number().nullable(),
  latencyP50Ms: z.number().nullable(),
  latencyP95Ms: z.number().nullable(),
  sizeBytes: z.number().int().nullable(),
  gzipBytes: z.number().int().nullable(),
  macs: z.number().nullable(),
  sparsity: z.number().nullable(),
  paramCount: z.number().int().nullable(),
});

/** GET /api/runs: one page of the runs table. */
export const RunList = z.object({
  rows: z.array(
    z.looseObject({
      id: z.string(),
      status: RunStatus,
      progress: Json,
      backend: z.string().nullable(),
      seed: z.number().int(),
      queuedAt: IsoDate,
      startedAt: IsoDate.nullable(),
      finishedAt: IsoDate.nullable(),
      error: z.string().nullable(),
      experiment: z.object({ id: z.string(), name: z.string(), baseArch: z.string(), datasetId: z.string(), tags: Json }),
      stages: z.array(StageSummary),
      tags: z.array(z.string()),
      /** the techniques in order, "baseline → quantize" */
      pipelineSummary: z.string(),
      bestAccuracy: z.number().nullable(),
      finalLatencyMs: z.number().nullable(),
      finalSizeBytes: z.number().int().nullable(),
    }),
  ),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  pages: z.number().int(),
  /** `after=` for the next page (a keyset seek, as fast at page 1,000 as at page 2); null on the last page */
  nextCursor: z.string().nullable(),
});

/**
 * GET /api/stages: the latency-vs-accuracy scatter's points, as columns (lib/runs/stage-points.ts): point i is
 * stage `columns.stageIndex[i]` of run `runIds[columns.run[i]]`, technique `techniques[columns.technique[i]]`.
 */
const NullableNumbers = z.array(z.number().nullable());
export const StagePoints = z.object({
  runIds: z.array(z.string()),
  /** the runs' experiment names, in runIds' order */
  runNames: z.array(z.string()),
  techniques: z.array(z.string()),
  columns: z.object({
    run: z.array(z.number().int()),
    stageIndex: z.array(z.number().int()),
    technique: z.array(z.number().int()),
    /** top-1, to 0.0001 */
    accuracy: z.array(z.number()),
    /** onnxruntime batch-1 p50, and MACs, to 4 significant digits */
    latencyP50Ms: NullableNumbers,
    sizeBytes: NullableNumbers,
    macs: NullableNumbers,
  }),
  /** points in this answer: every measured stage of the view, up to `limit` (then the newest runs' stages) */
  points: z.number().int(),
  limit: z.number().int(),
  /** runs with points here */
  runs: z.number().int(),
  /** runs that match the view */
  matching: z.number().int(),
});

export const RunCancelled = z.object({ id: z.string(), status: z.literal("cancelled") });
