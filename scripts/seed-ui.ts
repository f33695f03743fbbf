// Seeds a database with many plausible runs, for the dashboard's scale checks and screenshots:
//   npx tsx scripts/seed-ui.ts [--database file:./data/ui-seed.db] [--runs 5000]   (replaces earlier seeded rows, keeps real runs)
// Three pipeline shapes (3, 4 and 5 stages: 4 on average, so 100,000 runs make 400,000 stages), a status mix,
// per-stage metrics that trade accuracy for latency and size the way the techniques do, NAS candidates as child
// runs, confusion matrices and training curves for the newest runs, and the runs' summary columns
// (lib/runs/run-summary.ts). Rows go in as multi-row INSERTs (bulk-insert.ts): 100,000 runs in a minute or
// two instead of half an hour through createMany. Deterministic: the same seed gives the same database.
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { TechniqueName } from "../lib/compress/catalog";
import { createDb, type Db } from "../lib/db";
import { providerOf } from "../lib/database-url";
import { summaryOf } from "../lib/runs/run-summary";
import { applyMigrations } from "../prisma/migrate";
import { bulkInsert, type Row } from "./bulk-insert";

const FASHION = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];
const DATASETS = [
  { id: "fashion-mnist", name: "Fashion-MNIST", kind: "fashion-mnist", location: "seed", classes: FASHION, trainCount: 60_000, testCount: 10_000, inputShape: [28, 28, 1] },
  { id: "synthetic-10", name: "Synthetic (10 classes)", kind: "synthetic", location: "seed", classes: Array.from({ length: 10 }, (_, i) => `class ${i}`), trainCount: 5_000, testCount: 1_000, inputShape: [28, 28, 1] },
];
const ARCHS = ["bench-cnn", "small-cnn", "mobilenet-v2", "resnet"] as const;
const BASE: Record<(typeof ARCHS)[number], { acc: number; ms: number; bytes: number; params: number; macs: number }> = {
  "bench-cnn": { acc: 0.89, ms: 0.42, bytes: 205_000, params: 50_000, macs: 2.4e6 },
  "small-cnn": { acc: 0.87, ms: 0.25, bytes: 98_000, params: 24_000, macs: 1.1e6 },
  "mobilenet-v2": { acc: 0.9, ms: 1.3, bytes: 620_000, params: 150_000, macs: 6.5e6 },
  resnet: { acc: 0.92, ms: 2.6, bytes: 1_090_000, params: 270_000, macs: 41e6 },
};
type Tech = "baseline" | TechniqueName;
const PIPELINES: { tag: string; stages: { technique: Tech; params: Record<string, unknown>; from?: number }[] }[] = [
  { tag: "sequential", stages: [{ technique: "baseline", params: {} }, { technique: "distill", params: { student: "small-cnn", temperature: 4, alpha: 0.5 } }, { technique: "prune", params: { mode: "unstructured", targetSparsity: 0.3 } }, { technique: "quantize", params: { mode: "ptq", dtype: "int8" } }] },
  { tag: "four-way", stages: [{ technique: "baseline", params: {} }, { technique: "distill", params: { student: "small-cnn" }, from: 0 }, { technique: "quantize", params: { mode: "qat" }, from: 0 }, { technique: "nas", params: { trials: 8 }, from: 0 }, { technique: "prune", params: { mode: "structured", targetSparsity: 0.5 }, from: 0 }] },
  { tag: "size", stages: [{ technique: "baseline", params: {} }, { technique: "quantize", params: { mode: "ptq", dtype: "int8" } }, { technique: "cluster", params: { clusters: 16 } }] },
];
/** What each seeded technique does to its input (accuracy delta; latency, size, params, MACs factors; sparsity);
 *  a technique no seeded pipeline uses needs no entry (a new technique is one descriptor, not an edit here). */
const EFFECT: Partial<Record<Tech, [number, number, number, number, number, number]>> = {
  baseline: [0, 1, 1, 1, 1, 0],
  distill: [-0.02, 0.55, 0.48, 0.48, 0.45, 0],
  prune: [-0.012, 0.9, 1, 1, 0.7, 0.3],
  quantize: [-0.006, 0.55, 0.27, 1, 1, 0],
  cluster: [-0.01, 1, 0.45, 1, 1, 0],
  nas: [-0.015, 0.45, 0.4, 0.4, 0.35, 0],
};

/** Candidates each succeeded NAS stage records (the last one over budget). */
const NAS_CHILDREN = 3;
type SummaryStage = Parameters<typeof summaryOf>[0]["stages"][number];
const EMPTY_STAGE = {
  accuracy: null, top5: null, latencyP50Ms: null, latencyP95Ms: null, latencyThreads: null, throughput: null, sizeBytes: null, gzipBytes: null, paramCount: null,
  nonzeroParams: null, macs: null, sparsity: null, perClassAccuracy: null, confusionMatrix: null, durationMs: null, startedAt: null, finishedAt: null,
  precision: null, details: null,
};

function prng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s + 0x6d2b79f5) >>> 0), (((s ^ (s >>> 15)) * (1 | s)) >>> 0) / 2 ** 32);
}

export async function seedUi(url: string, opts: { runs?: number; seed?: number; log?: (m: string) => void } = {}) {
  const total = opts.runs ?? 5_000;
  const log = opts.log ?? console.log;
  await applyMigrations(url);
  const db = createDb(url);
  try {
    // Seeded rows have recognisable ids: seeding again replaces them and leaves real runs alone.
    const seeded = { startsWith: "seedrun" };
    const provider = providerOf(url);
    await db.metricPoint.deleteMany({ where: { runId: seeded } });
    await db.artifact.deleteMany({ where: { runId: seeded } });
    await db.stage.deleteMany({ where: { runId: seeded } });
    await db.run.deleteMany({ where: { id: seeded } });
    await db.experiment.deleteMany({ where: { id: { startsWith: "seedexp" } } });
    for (const d of DATASETS) await db.dataset.upsert({ where: { id: d.id }, create: d, update: {} });
    const rand = prng(opts.seed ?? 7);
    const now = Date.now();
    let stageCount = 0;
    let childCount = 0;
    const BATCH = 1_000;
    for (let start = 0; start < total; start += BATCH) {
      const experiments: Row[] = [];
      const runs: Row[] = [];
      const stages: Row[] = [];
      const metrics: Row[] = [];
      for (let i = start; i < Math.min(total, start + BATCH); i++) {
        const pipeline = PIPELINES[i % PIPELINES.length];
        const arch = ARCHS[Math.floor(i / PIPELINES.length) % ARCHS.length];
        const dataset = DATASETS[rand() < 0.8 ? 0 : 1];
        const expId = `seedexp${String(i).padStart(6, "0")}`;
        const runId = `seedrun${String(i).padStart(6, "0")}`;
        const queuedAt = new Date(now - (total - i) * 9 * 60_000 - Math.floor(rand() * 60_000));
        const r = rand();
        const status = i >= total - 2 ? "running" : i === total - 3 ? "queued" : r < 0.86 ? "succeeded" : r < 0.94 ? "failed" : "cancelled";
        const startedAt = status === "queued" ? null : new Date(queuedAt.getTime() + 2_000 + Math.floor(rand() * 20_000));
        const runMs = pipeline.stages.length * (40_000 + Math.floor(rand() * 200_000));
        const finishedAt = status === "succeeded" || status === "failed" || status === "cancelled" ? new Date((startedAt ?? queuedAt).getTime() + runMs) : null;
        const doneStages = status === "succeeded" ? pipeline.stages.length : status === "queued" ? 0 : Math.floor(rand() * pipeline.stages.length);
        const epochs = 1 + Math.floor(rand() * 5);
        const name = `${pipeline.tag}-${arch}-${dataset.id === "fashion-mnist" ? "fmnist" : "synth"}-${String(i).padStart(4, "0")}`;
        experiments.push({
          id: expId, name, datasetId: dataset.id, baseArch: arch,
          tags: ["seed", pipeline.tag, ...(i % 7 === 0 ? ["mobile"] : [])], createdAt: queuedAt, description: "",
        });
        const training = { epochs, batchSize: 64, learningRate: 0.001, optimizer: "adam", trainLimit: 5_000 };
        const requirements = { maxAccuracyDrop: 0.05, minLatencyReduction: 0.4, minSizeReduction: 0.3 };
        const backend = startedAt ? (i % 3 ? "tensorflow" : "wasm") : null;
        const run: Row = {
          id: runId, experimentId: expId, status, pipeline: pipeline.stages, training,
          requirements, seed: 1 + (i % 1000), backend,
          attempts: startedAt ? 1 : 0, error: status === "failed" ? "Stage failed: out of memory while exporting ONNX" : null, queuedAt, startedAt, finishedAt,
          progress: status === "running" ? { stageIndex: doneStages, stages: pipeline.stages.length, technique: pipeline.stages[doneStages].technique, phase: "training", epoch: 1, epochs, fraction: doneStages / pipeline.stages.length } : null,
          parentRunId: null,
        };
        runs.push(run);
        const runStages: Row[] = [];
        const base = BASE[arch];
        const baseAcc = base.acc - (dataset.id === "fashion-mnist" ? 0 : 0.05) + (rand() - 0.5) * 0.04;
        const byIndex: { acc: number; ms: number; bytes: number; params: number; macs: number; sparsity: number }[] = [];
        pipeline.stages.forEach((st, index) => {
          const input = index === 0 ? { acc: baseAcc, ms: base.ms, bytes: base.bytes, params: base.params, macs: base.macs, sparsity: 0 } : byIndex[st.from ?? index - 1];
          const [dAcc, fMs, fBytes, fParams, fMacs, sp] = EFFECT[st.technique] ?? [0, 1, 1, 1, 1, 0];
          const jitter = () => 1 + (rand() - 0.5) * 0.2;
          const m = {
            acc: Math.min(0.99, Math.max(0.1, input.acc + dAcc * (0.5 + rand() * 1.5))),
            ms: input.ms * fMs * jitter(),
            bytes: Math.round(input.bytes * fBytes * jitter()),
            params: Math.round(input.params * fParams),
            macs: input.macs * fMacs,
            sparsity: Math.max(input.sparsity, sp),
          };
          byIndex.push(m);
          const stStatus = index < doneStages ? "succeeded" : index === doneStages && status === "running" ? "running" : index === doneStages && status === "failed" ? "failed" : "pending";
          const ok = stStatus === "succeeded";
          const classes = dataset.classes.length;
          // Confusion matrices only for the newest runs: run pages read them, the tables never do, and 400,000 of them
          // would only make the database big.
          const perClass = ok && i >= total - 2_000 ? Array.from({ length: classes }, (_, c) => Math.min(1, Math.max(0, m.acc + (c === 6 ? -0.25 : c === 1 ? 0.08 : (rand() - 0.5) * 0.1)))) : null;
          runStages.push({
            id: `${runId}-st${index}`, runId, index, technique: st.technique, params: st.params, status: stStatus,
            accuracy: ok ? m.acc : null, top5: ok ? Math.min(1, m.acc + 0.08) : null,
            latencyP50Ms: ok ? m.ms : null, latencyP95Ms: ok ? m.ms * (1.15 + rand() * 0.3) : null, latencyThreads: ok ? 1 : null, throughput: ok ? 1000 / m.ms : null,
            sizeBytes: ok ? m.bytes : null, gzipBytes: ok ? Math.round(m.bytes * (0.92 - m.sparsity * 0.6)) : null, paramCount: ok ? m.params : null,
            nonzeroParams: ok ? Math.round(m.params * (1 - m.sparsity)) : null, macs: ok ? m.macs : null, sparsity: ok ? m.sparsity : null,
            perClassAccuracy: perClass,
            confusionMatrix: perClass ? perClass.map((a, c) => Array.from({ length: classes }, (_, k) => (k === c ? Math.round(a * 100) : Math.round(((1 - a) * 100) / (classes - 1))))) : null,
            durationMs: ok ? Math.round(runMs / pipeline.stages.length) : null, startedAt: ok ? startedAt : null, finishedAt: ok ? finishedAt : null,
          });
          if (i >= total - 150 && (ok || stStatus === "running")) {
            for (let e = 1; e <= epochs; e++) {
              const t = e / epochs;
              metrics.push({ runId, stageIndex: index, name: "loss", step: e, value: 1.6 * Math.exp(-2 * t) + 0.25 });
              metrics.push({ runId, stageIndex: index, name: "accuracy", step: e, value: m.acc * (0.75 + 0.25 * t) + 0.01 });
              metrics.push({ runId, stageIndex: index, name: "val_accuracy", step: e, value: m.acc * (0.74 + 0.26 * t) });
              if (st.technique === "prune") metrics.push({ runId, stageIndex: index, name: "sparsity", step: e, value: m.sparsity * t });
            }
          }
          // The NAS stage's sampled architectures, as the worker records them: child runs with one "nas" stage.
          if (st.technique === "nas" && ok) {
            const at = finishedAt ?? startedAt ?? queuedAt; // a running run's NAS stage finished before now
            for (let rank = 1; rank <= NAS_CHILDREN; rank++) {
              const feasible = rank <= NAS_CHILDREN - 1;
              const childId = `${runId}-s${index}-c${String(rank).padStart(3, "0")}`;
              const child: Row = {
                ...run, id: childId, parentRunId: runId, status: feasible ? "succeeded" : "cancelled", error: feasible ? null : "Over the NAS budget: measured, not trained.",
                pipeline: [{ technique: "nas", params: st.params }], progress: null, queuedAt: at, startedAt: at, finishedAt: at,
              };
              const childStage = {
                ...EMPTY_STAGE, id: `${childId}-st0`, runId: childId, index: 0, technique: "nas", status: feasible ? "succeeded" : "failed", params: { widths: [8 * rank, 16 * rank] },
                paramCount: Math.round(m.params * (0.5 + rank * 0.2)), macs: m.macs * (0.5 + rank * 0.2), latencyP50Ms: m.ms * (0.6 + rank * 0.15), latencyThreads: 1, precision: "fp32", startedAt: at, finishedAt: at,
                details: { nasCandidate: true, parentStageIndex: index, valAccuracy: m.acc - 0.01 * rank, feasible, chosen: rank === 1 },
              };
              Object.assign(child, summaryOf({ queuedAt: at, startedAt: at, experiment: { name }, stages: [{ ...childStage, accuracy: null, sizeBytes: null }] }));
              runs.push(child);
              stages.push(childStage);
              childCount++;
            }
          }
        });
        Object.assign(run, summaryOf({ queuedAt, startedAt, experiment: { name }, stages: runStages as SummaryStage[] }));
        stages.push(...runStages);
      }
      // One transaction per batch: one commit (one fsync) instead of one per statement.
      await db.$transaction(async (tx) => {
        const insert = bulkInsert(tx as Db, provider);
        await insert("Experiment", experiments);
        // Parents before their children (the foreign key), which is the order they were pushed in.
        await insert("Run", runs);
        await insert("Stage", stages);
        await insert("MetricPoint", metrics);
      }, { timeout: 120_000, maxWait: 60_000 });
      stageCount += stages.length;
      if ((start / BATCH) % 4 === 3) log(`seed-ui: ${Math.min(total, start + BATCH)} runs…`);
    }
    // Fresh statistics (and on PostgreSQL the visibility map, for index-only scans): the planner otherwise still
    // believes the tables are tiny and skips the indexes (a scan of every run instead of an index walk of 50).
    await db.$executeRawUnsafe(provider === "postgresql" ? "VACUUM ANALYZE" : "ANALYZE");
    log(`seed-ui: ${total} runs (and ${childCount} NAS child runs), ${stageCount} stages in ${url}`);
    return { runs: total, childRuns: childCount, stages: stageCount };
  } finally {
    await db.$disconnect();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const runsArg = args.indexOf("--runs");
  // A scratch database by default, never the app's DATABASE_URL: thousands of made-up runs are not for the lab's own.
  const databaseArg = args.indexOf("--database");
  const url = databaseArg >= 0 ? args[databaseArg + 1] : "file:./data/ui-seed.db";
  seedUi(url, { runs: runsArg >= 0 ? Number(args[runsArg + 1]) : 5_000 }).catch((e) => {
    console.error(`seed-ui: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
