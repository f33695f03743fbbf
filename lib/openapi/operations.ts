// Every operation of the JSON API, described with the zod schemas the routes validate with (request) and the
// schemas of what they answer (lib/schemas/*-response.ts). lib/openapi/document.ts turns this list into the
// OpenAPI 3.1 document; openapi.test.ts fails when a route under app/api is missing here.
import { z } from "zod";
import { RegisterDataset, UploadDatasetQuery } from "../datasets/schemas";
import { ModelResponse, UploadModelQuery } from "../models/schemas";
import type { ErrorCode } from "../errors";
import { RunQuery } from "../runs/run-query";
import { ArtifactIdParams } from "../schemas/artifact";
import { Login, LoginResponse, LogoutResponse } from "../schemas/auth";
import { DatasetCreated, DatasetList } from "../schemas/dataset-response";
import { CreateExperiment, ExperimentCreated } from "../schemas/experiment";
import { PresetList, PresetsQuery } from "../schemas/preset";
import { CreateSweep, SweepCreated, SweepIdParams, SweepSnapshot } from "../schemas/sweep";
import { RunIdParams, RunProgress, StageParams } from "../schemas/run";
import { ExportFormat, RunsExportQuery, StagePointsQuery } from "../schemas/run-queries";
import { RunCancelled, RunList, RunSnapshot, StagePoints } from "../schemas/run-response";
import * as ex from "./examples";

export interface ErrorExample {
  code: ErrorCode;
  /** when the API answers it */
  when: string;
  message: string;
  issues?: { path: (string | number)[]; message: string; code?: string }[];
}

export interface ApiOperation {
  method: "get" | "post";
  /** OpenAPI path template: /api/runs/{id} */
  path: string;
  tag: "Datasets" | "Models" | "Experiments" | "Runs" | "Artifacts" | "Auth" | "Reference";
  summary: string;
  description?: string;
  /** reachable without a session or token */
  public?: boolean;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: { schema: z.ZodType; example: unknown };
  /** a body that is not JSON (an upload) */
  rawBody?: { contentTypes: string[]; description: string };
  response: { status: number; description: string } & (
    | { schema: z.ZodType; example: unknown }
    | { contentType: string; schema?: undefined; example?: undefined; sse?: { event: string; schema: z.ZodType; example: unknown }[] }
  );
  /** the input the reference's 400 example is made from (default: an empty body or query, a malformed id) */
  invalid?: { in: "body" | "query" | "params"; value: unknown };
  /** errors besides those every route can give (400 for invalid input, 401, 403 cross-site, 500) */
  errors: ErrorExample[];
}

const notFound = (what: string): ErrorExample => ({ code: "not_found", when: `no ${what.toLowerCase()} has this id`, message: `${what} not found` });

export const OPERATIONS: ApiOperation[] = [
  {
    method: "get",
    path: "/api/presets",
    tag: "Experiments",
    summary: "Presets fitted to a model and dataset",
    description: "The Sequential and Four-way presets as pipelines for this architecture and dataset: the distillation student is at most half the teacher, the NAS budget half the baseline; on the smallest architecture distillation is left out with a note. The form and `lab run --preset` both use it.",
    query: PresetsQuery,
    response: { status: 200, description: "the fitted presets", schema: PresetList, example: { presets: [ex.presetExample] } },
    errors: [notFound("Dataset")],
  },
  {
    method: "get",
    path: "/api/datasets",
    tag: "Datasets",
    summary: "List datasets",
    description: "Every registered dataset with its class names, counts and input shape.",
    response: { status: 200, description: "the datasets, by name", schema: DatasetList, example: { datasets: [ex.datasetExample] } },
    errors: [],
  },
  {
    method: "post",
    path: "/api/datasets",
    tag: "Datasets",
    summary: "Register files already on the server",
    description: "A directory, .tar.gz or .zip under one of the allowed dataset roots (DATASET_ROOTS); validated before the row is written.",
    body: { schema: RegisterDataset, example: { name: "My digits", kind: "idx", location: "/srv/datasets/digits" } },
    response: { status: 201, description: "the registered dataset", schema: DatasetCreated, example: { dataset: { ...ex.datasetExample, id: "my-digits", name: "My digits", kind: "idx", location: "/srv/datasets/digits" } } },
    errors: [
      { code: "forbidden", when: "the location is outside the allowed dataset roots", message: "location /etc is outside the dataset directories (/srv/datasets); add its directory to DATASET_ROOTS" },
      { code: "conflict", when: "a dataset with this name exists", message: 'a dataset with id "my-digits" already exists; choose another name' },
      { code: "unprocessable", when: "the files are not a dataset of this kind", message: "The dataset's files are not valid: t10k-images-idx3-ubyte: truncated IDX header" },
    ],
  },
  {
    method: "post",
    path: "/api/datasets/upload",
    tag: "Datasets",
    summary: "Upload a dataset archive",
    description:
      "The archive (.tar, .tar.gz or .zip) is the raw request body, or the `file` field of a multipart form (which then needs a Content-Length). Image folders hold one folder per class, optionally under train/ and test/.",
    query: UploadDatasetQuery,
    rawBody: { contentTypes: ["application/gzip", "application/zip", "application/x-tar", "multipart/form-data"], description: "the archive's bytes" },
    response: { status: 201, description: "the registered dataset", schema: DatasetCreated, example: { dataset: { ...ex.datasetExample, id: "colours", name: "colours", kind: "image-folder" } } },
    errors: [
      { code: "conflict", when: "a dataset with this name exists", message: 'a dataset with id "colours" already exists; choose another name' },
      { code: "payload_too_large", when: "the archive is larger than DATASET_UPLOAD_MAX_BYTES", message: "The upload is larger than the limit of 536870912 bytes (DATASET_UPLOAD_MAX_BYTES)" },
      { code: "unsupported_media_type", when: "the body is not an archive", message: "The upload is not a .tar, .tar.gz or .zip archive" },
      { code: "unprocessable", when: "the archive is not a dataset of this kind", message: "The dataset's files are not valid: no class folders in the archive" },
    ],
  },
  {
    method: "get",
    path: "/api/models",
    tag: "Models",
    summary: "List uploaded models",
    response: { status: 200, description: "the uploaded models, newest first", schema: z.object({ models: z.array(ModelResponse) }), example: { models: [ex.modelExample] } },
    errors: [],
  },
  {
    method: "post",
    path: "/api/models",
    tag: "Models",
    summary: "Upload a trained model (ONNX, or a TF.js Layers model as a zip) to compress",
    description:
      "The ONNX file is the raw request body (application/octet-stream). It is converted to a trainable model, checked against onnxruntime on the dataset's test images (max |Δlogit| ≤ 1e-4, top-1 agreement 100 %) and its accuracy measured. Preprocessing: input = (pixel · scale − mean[c]) / std[c]. A pipeline starts from it with `{\"technique\":\"baseline\",\"params\":{\"modelId\":\"…\"}}`.",
    query: UploadModelQuery,
    rawBody: { contentTypes: ["application/octet-stream", "multipart/form-data"], description: "the .onnx file's bytes" },
    response: { status: 201, description: "the model and what its upload found", schema: z.object({ model: ModelResponse }), example: { model: ex.modelExample } },
    errors: [
      { code: "not_found", when: "the dataset does not exist", message: 'dataset "fashion" not found (GET /api/datasets lists them)' },
      { code: "conflict", when: "a model with this name exists", message: 'a model named "resnet" already exists; choose another name' },
      { code: "payload_too_large", when: "the file is larger than MODEL_UPLOAD_MAX_BYTES", message: "The upload is larger than the limit of 67108864 bytes (MODEL_UPLOAD_MAX_BYTES)" },
      { code: "unprocessable", when: "an operator cannot be converted, or the model does not fit the dataset", message: 'unsupported operator Resize (node "/up/Resize")' },
    ],
  },
  {
    method: "post",
    path: "/api/experiments",
    tag: "Experiments",
    summary: "Create an experiment and queue its first run",
    description: "The pipeline's first stage is the baseline; each further stage compresses the previous one (or the stage named by `from`). Requirements are fractions against the baseline.",
    body: { schema: CreateExperiment, example: ex.createExperimentExample },
    response: { status: 201, description: "the experiment and its queued run", schema: ExperimentCreated, example: { experimentId: "cmexp1", runId: "cmrun1" } },
    errors: [
      { code: "unprocessable", when: "the dataset does not exist, or a technique cannot apply to this model", message: 'Unknown dataset "fashion-mnist2"', issues: [{ path: ["datasetId"], message: "unknown dataset" }] },
      { code: "unavailable", when: "the queue (Redis) cannot be reached; nothing is kept", message: "The job queue (Redis) is not reachable; nothing was queued. Try again shortly." },
    ],
  },
  {
    method: "post",
    path: "/api/sweeps",
    tag: "Experiments",
    summary: "Sweep settings: many runs of one experiment",
    description:
      "`base` is a POST /api/experiments body; each parameter is a dotted path into it (`pipeline.2.params.schedule.finalSparsity`) with `values` (grid or random) or a `min`/`max` range (random, optionally `log`). grid runs every combination, random draws maxRuns / seeds combinations; each runs once per seed. Every combination is validated as a single run before anything is queued. A trial beaten at the same stage by a finished one (same seed, at least `earlyTermination.accuracyMargin` more accurate, no larger and no slower) is stopped early: it ends `cancelled` with `stoppedEarly`.",
    body: { schema: CreateSweep, example: ex.createSweepExample },
    response: { status: 201, description: "the sweep, its experiment and its queued runs", schema: SweepCreated, example: { sweepId: "cmswp1", experimentId: "cmexp1", runIds: ["cmrun1", "cmrun2"] } },
    errors: [
      { code: "bad_request", when: "a combination is not a valid run, or the grid is larger than maxRuns", message: "combination 3 of 4 (pipeline.1.params.schedule.finalSparsity=1.2, seed 42) is not a valid run — pipeline.1.params.schedule.finalSparsity: Too big: expected number to be <1", issues: [{ path: ["base", "pipeline", 1, "params", "schedule", "finalSparsity"], message: "Too big: expected number to be <1" }] },
      { code: "unprocessable", when: "the dataset does not exist, or a technique cannot apply to this model", message: 'combination 1 of 2 (training.epochs=1, seed 42): Unknown dataset "fashion-mnist2"' },
      { code: "unavailable", when: "the queue (Redis) cannot be reached; nothing is kept", message: "The job queue (Redis) is not reachable; nothing was queued. Try again shortly." },
    ],
  },
  {
    method: "get",
    path: "/api/sweeps/{id}",
    tag: "Experiments",
    summary: "Get a sweep",
    description: "The sweep's runs with their swept values and final stage, the groups of runs that differ only in seed (mean ± sample standard deviation over the succeeded ones) and the best run per objective.",
    params: SweepIdParams,
    response: { status: 200, description: "the sweep", schema: SweepSnapshot, example: ex.sweepSnapshotExample },
    errors: [notFound("Sweep")],
  },
  {
    method: "get",
    path: "/api/runs",
    tag: "Runs",
    summary: "List runs",
    description: "The runs table: the same filters, sort and pagination as the home page's URL. NAS candidate runs are listed on their parent's page.",
    query: RunQuery,
    invalid: { in: "query", value: { pageSize: "30", sort: "speed" } },
    response: { status: 200, description: "one page of runs", schema: RunList, example: ex.runListExample },
    errors: [],
  },
  {
    method: "get",
    path: "/api/runs/{id}",
    tag: "Runs",
    summary: "Get a run",
    description:
      "The run with its experiment, dataset, stages (metrics and, once judged, the verdict on the requirements), artifacts (download them at /api/artifacts/{id}) and training curves. `meetsRequirements` and `shipStageIndex` say whether a stage meets every requirement and which.",
    params: RunIdParams,
    response: { status: 200, description: "the run", schema: RunSnapshot, example: ex.runSnapshotExample },
    errors: [notFound("Run")],
  },
  {
    method: "get",
    path: "/api/runs/{id}/events",
    tag: "Runs",
    summary: "Follow a run (server-sent events)",
    description: "A `run` event with the snapshot on connect, then the changes the worker pushes: `status` (the run's own columns), `stage` (one stage with its artifacts, and a NAS stage's candidate runs), `metrics` (new training-curve points) and `progress` events as the worker trains; the stream ends when the run is succeeded, failed or cancelled. Comment lines keep the connection alive.",
    params: RunIdParams,
    response: {
      status: 200,
      description: "an event stream",
      contentType: "text/event-stream",
      sse: [
        { event: "run", schema: RunSnapshot, example: ex.runSnapshotExample },
        { event: "progress", schema: RunProgress, example: ex.progressExample },
      ],
    },
    errors: [notFound("Run")],
  },
  {
    method: "post",
    path: "/api/runs/{id}/cancel",
    tag: "Runs",
    summary: "Cancel a run",
    description: "A queued run is dropped from the queue; a running one stops within a couple of seconds.",
    params: RunIdParams,
    response: { status: 200, description: "the run is cancelled", schema: RunCancelled, example: { id: "cmrun1", status: "cancelled" } },
    errors: [notFound("Run"), { code: "conflict", when: "the run has finished", message: "The run is already succeeded" }],
  },
  {
    method: "get",
    path: "/api/runs/{id}/stages/export",
    tag: "Runs",
    summary: "Download a run's stage table",
    description: "Every stage against the baseline (accuracy delta, speedup, compression ratio, requirement checks) as CSV or JSON.",
    params: RunIdParams,
    query: ExportFormat,
    response: { status: 200, description: "a CSV or JSON file (Content-Disposition: attachment)", contentType: "text/csv" },
    errors: [notFound("Run")],
  },
  {
    method: "get",
    path: "/api/runs/{id}/stages/{index}/analysis",
    tag: "Runs",
    summary: "Download an analyze stage's per-layer sensitivity",
    description:
      "One row per layer: share of parameters, MACs and measured onnxruntime time; INT8 sensitivity (only that layer INT8: validation top-1 drop, output SQNR); validation accuracy at each magnitude sparsity of that layer alone and at each channel fraction of its channel group. JSON: the whole report.",
    params: StageParams,
    query: ExportFormat,
    response: { status: 200, description: "a CSV or JSON file (Content-Disposition: attachment)", contentType: "text/csv" },
    errors: [notFound("Stage"), { code: "not_found", when: "the stage holds no analysis (it is not an analyze stage, or has not finished)", message: "Analysis of stage 1 not found" }],
  },
  {
    method: "get",
    path: "/api/runs/export",
    tag: "Runs",
    summary: "Download the runs table",
    description: "The runs matching the filters (at most 10,000), as CSV or JSON.",
    query: RunsExportQuery,
    invalid: { in: "query", value: { format: "xlsx" } },
    response: { status: 200, description: "a CSV or JSON file (Content-Disposition: attachment)", contentType: "text/csv" },
    errors: [],
  },
  {
    method: "get",
    path: "/api/stages",
    tag: "Runs",
    summary: "Stage points for the scatter",
    description: "Every measured stage of the runs a view shows (up to 100,000 points, newest runs first; `points`, `runs` and `matching` say how many were sent of how many), or of the runs named in `runs=a,b`. With `encoding=gzip` the same JSON gzip-compressed, as `application/gzip`.",
    query: StagePointsQuery,
    invalid: { in: "query", value: { runs: "a,,b" } },
    response: { status: 200, description: "the points", schema: StagePoints, example: ex.stagePointsExample },
    errors: [],
  },
  {
    method: "get",
    path: "/api/artifacts/{id}",
    tag: "Artifacts",
    summary: "Download an artifact",
    description: "An exported model (ONNX fp32 or INT8, tfjs) or a model card, with its SHA-256 as the ETag (If-None-Match answers 304).",
    params: ArtifactIdParams,
    response: { status: 200, description: "the file (Content-Disposition: attachment)", contentType: "application/octet-stream" },
    errors: [notFound("Artifact"), { code: "not_found", when: "the file is gone from the artifact directory", message: "Artifact file not found" }],
  },
  {
    method: "post",
    path: "/api/auth/login",
    tag: "Auth",
    summary: "Sign in",
    description: "Exchanges the lab's password (LAB_PASSWORD) for a session cookie. Scripts send `Authorization: Bearer <token>` (LAB_API_TOKENS) instead.",
    public: true,
    body: { schema: Login, example: { password: "correct horse battery staple" } },
    response: { status: 200, description: "signed in (Set-Cookie: lab_session)", schema: LoginResponse, example: { ok: true } },
    errors: [{ code: "unauthorized", when: "the password is wrong", message: "Wrong password" }],
  },
  {
    method: "post",
    path: "/api/auth/logout",
    tag: "Auth",
    summary: "Sign out",
    public: true,
    response: { status: 200, description: "the session cookie is cleared", schema: LogoutResponse, example: { ok: true } },
    errors: [],
  },
  {
    method: "get",
    path: "/api/openapi.json",
    tag: "Reference",
    summary: "This API as OpenAPI 3.1",
    description: "Generated from the zod schemas the routes validate with; the same document the /api-reference page shows.",
    response: { status: 200, description: "the OpenAPI document", contentType: "application/json" },
    errors: [],
  },
];
