// Example bodies shown in the API reference. The OpenAPI test parses each one with its schema, so an example
// that drifts from the API fails the build instead of misleading a reader.
const T0 = "2026-12-01T10:00:00.000Z";
const T1 = "2026-12-01T10:02:41.000Z";

export const datasetExample = {
  id: "fashion-mnist",
  name: "Fashion-MNIST",
  kind: "fashion-mnist",
  location: "/usr/share/datasets/fashion-mnist",
  classes: ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
  trainCount: 60000,
  testCount: 10000,
  inputShape: [28, 28, 1],
  createdAt: T0,
};

export const createExperimentExample = {
  name: "small-cnn int8 gate",
  datasetId: "fashion-mnist",
  architecture: "small-cnn",
  training: { epochs: 2, trainLimit: 5000, testLimit: 1000 },
  pipeline: [
    { technique: "baseline", params: {} },
    { technique: "quantize", params: { mode: "ptq" } },
  ],
  requirements: { maxAccuracyDrop: 0.01, minLatencyReduction: 0.33, minSizeReduction: 0.5 },
};

const stage = (index: number, technique: string, metrics: { accuracy: number; latencyP50Ms: number; sizeBytes: number; precision: string }) => ({
  id: `cmstage${index}`,
  runId: "cmrun1",
  index,
  technique,
  params: technique === "quantize" ? { mode: "ptq", calibration: "minmax" } : {},
  status: "succeeded",
  accuracy: metrics.accuracy,
  top5: 0.99,
  latencyP50Ms: metrics.latencyP50Ms,
  latencyP95Ms: metrics.latencyP50Ms * 1.2,
  latencyThreads: 1,
  latencyP50Ms2t: null,
  latencyP95Ms2t: null,
  throughput: null,
  precision: metrics.precision,
  sizeBytes: metrics.sizeBytes,
  gzipBytes: Math.round(metrics.sizeBytes * 0.9),
  paramCount: 24000,
  nonzeroParams: 24000,
  macs: 1.2e6,
  sparsity: 0,
  perClassAccuracy: null,
  confusionMatrix: null,
  details: null,
  durationMs: 40000,
  startedAt: T0,
  finishedAt: T1,
});

export const runSnapshotExample = {
  id: "cmrun1",
  experimentId: "cmexp1",
  status: "succeeded",
  pipeline: createExperimentExample.pipeline,
  training: { epochs: 2, batchSize: 64, trainLimit: 5000, testLimit: 1000 },
  requirements: createExperimentExample.requirements,
  seed: 42,
  backend: "onednn",
  backendWarning: null,
  attempts: 1,
  error: null,
  progress: { stageIndex: 1, stages: 2, technique: "quantize", phase: "done", fraction: 1 },
  queuedAt: T0,
  startedAt: T0,
  finishedAt: T1,
  parentRunId: null,
  experiment: { id: "cmexp1", name: "small-cnn int8 gate", description: "", datasetId: "fashion-mnist", baseArch: "small-cnn", tags: [], createdAt: T0, dataset: datasetExample },
  stages: [
    { ...stage(0, "baseline", { accuracy: 0.861, latencyP50Ms: 0.21, sizeBytes: 98000, precision: "fp32" }), verdict: null },
    {
      ...stage(1, "quantize", { accuracy: 0.857, latencyP50Ms: 0.12, sizeBytes: 31000, precision: "int8" }),
      verdict: {
        pass: true,
        checks: [
          { requirement: "maxAccuracyDrop", value: 0.004, limit: 0.01, pass: true },
          { requirement: "minLatencyReduction", value: 0.43, limit: 0.33, pass: true },
          { requirement: "minSizeReduction", value: 0.68, limit: 0.5, pass: true },
        ],
      },
    },
  ],
  artifacts: [
    { id: "cmart1", runId: "cmrun1", stageIndex: 1, kind: "onnx-int8", fileName: "small-cnn-quantize-int8.onnx", bytes: 31000, sha256: "9f2c…", createdAt: T1 },
  ],
  metrics: [{ id: 1, runId: "cmrun1", stageIndex: 0, name: "loss", step: 1, value: 0.42 }],
  children: [],
  meetsRequirements: true,
  shipStageIndex: 1,
};

export const runListExample = {
  rows: [
    {
      id: "cmrun1",
      status: "succeeded",
      progress: runSnapshotExample.progress,
      backend: "onednn",
      seed: 42,
      queuedAt: T0,
      startedAt: T0,
      finishedAt: T1,
      error: null,
      experiment: { id: "cmexp1", name: "small-cnn int8 gate", baseArch: "small-cnn", datasetId: "fashion-mnist", tags: [] },
      stages: [
        { index: 0, technique: "baseline", status: "succeeded", accuracy: 0.861, latencyP50Ms: 0.21, latencyP95Ms: 0.25, sizeBytes: 98000, gzipBytes: 88000, macs: 1.2e6, sparsity: 0, paramCount: 24000 },
        { index: 1, technique: "quantize", status: "succeeded", accuracy: 0.857, latencyP50Ms: 0.12, latencyP95Ms: 0.15, sizeBytes: 31000, gzipBytes: 27000, macs: 1.2e6, sparsity: 0, paramCount: 24000 },
      ],
      tags: [],
      pipelineSummary: "baseline → quantize",
      bestAccuracy: 0.861,
      finalLatencyMs: 0.12,
      finalSizeBytes: 31000,
    },
  ],
  total: 1,
  page: 1,
  pageSize: 50,
  pages: 1,
  nextCursor: null,
};

export const stagePointsExample = {
  runIds: ["cmrun1"],
  runNames: ["small-cnn int8 gate"],
  techniques: ["baseline", "quantize"],
  columns: {
    run: [0, 0], stageIndex: [0, 1], technique: [0, 1], accuracy: [0.861, 0.857], latencyP50Ms: [0.21, 0.12], sizeBytes: [98000, 31000], macs: [1.2e6, 1.2e6],
  },
  points: 2,
  limit: 100000,
  runs: 1,
  matching: 1,
};

export const progressExample = { stageIndex: 0, stages: 2, technique: "baseline", phase: "training", epoch: 1, epochs: 2, batch: 40, batches: 79, loss: 0.61, fraction: 0.25 };

export const presetExample = {
  id: "sequential",
  label: "Sequential pipeline",
  description: "baseline → distill → prune 30% → quantize INT8, each stage from the previous one",
  pipeline: [
    { technique: "baseline", params: {} },
    { technique: "distill", params: { student: "small-cnn", temperature: 4, alpha: 0.7 } },
    { technique: "prune", params: { method: "unstructured", schedule: { kind: "polynomial", finalSparsity: 0.3 } } },
    { technique: "quantize", params: { mode: "ptq" } },
  ],
  requirements: { maxAccuracyDrop: 0.05, minLatencyReduction: 0.4, minSizeReduction: 0.3 },
};

export const modelExample = {
  id: "cmmodel1",
  name: "resnet-fmnist",
  format: "onnx" as const,
  datasetId: "fashion-mnist",
  inputShape: [1, 28, 28],
  layout: "NCHW" as const,
  preprocessing: { scale: 1 / 255, mean: [0], std: [1] },
  classes: 10,
  params: 22_000,
  macs: 1_900_000,
  fp32Bytes: 88_209,
  sha256: "3f1c…",
  operators: { Conv: 10, BatchNormalization: 10, Relu: 7, Add: 3, GlobalAveragePool: 1, Flatten: 1, Gemm: 1 },
  techniques: { "fine-tune": { applies: true }, distill: { applies: true }, "prune-structured": { applies: true }, "quantize-ptq": { applies: true } },
  check: { images: 500, maxAbsDiff: 1.4e-6, logitScale: 12.5, top1Agreement: 1, passed: true },
  accuracy: 0.83,
  testImages: 500,
  createdAt: T0,
};

export const createSweepExample = {
  base: { ...createExperimentExample, name: "int8 after pruning", pipeline: [{ technique: "baseline", params: {} }, { technique: "prune", params: {} }, { technique: "quantize", params: { mode: "ptq" } }] },
  method: "grid",
  parameters: { "pipeline.1.params.schedule.finalSparsity": { values: [0.3, 0.5] } },
  maxRuns: 4,
  seeds: [1, 2],
};

const sweepRun = (id: string, finalSparsity: number, seed: number, accuracy: number) => ({
  id, status: "succeeded", seed, seedGroup: `g${finalSparsity}`, values: { "pipeline.1.params.schedule.finalSparsity": finalSparsity }, stoppedEarly: null,
  accuracy, sizeBytes: 31_000, latencyMs: 0.07, stagesDone: 3, stages: 3,
});

export const sweepSnapshotExample = {
  sweep: {
    id: "cmswp1", experimentId: "cmexp1", name: "int8 after pruning", method: "grid", parameters: createSweepExample.parameters, maxRuns: 4, seeds: [1, 2],
    earlyTermination: { enabled: true, accuracyMargin: 0.01 }, createdAt: T0,
  },
  runs: [sweepRun("cmrun1", 0.3, 1, 0.851), sweepRun("cmrun2", 0.3, 2, 0.847)],
  groups: [{ key: "g0.3", values: { "pipeline.1.params.schedule.finalSparsity": 0.3 }, runIds: ["cmrun1", "cmrun2"], accuracy: { mean: 0.849, sd: 0.0028, n: 2 }, sizeBytes: { mean: 31_000, sd: 0, n: 2 }, latencyMs: { mean: 0.07, sd: 0, n: 2 } }],
  best: { accuracy: "cmrun1", sizeBytes: "cmrun1", latencyMs: "cmrun1" },
  counts: { succeeded: 2 },
};
