// Auto benchmark (issue #17) — the lab's own code path end to end: an experiment submitted with createExperiment
// (as POST /api/experiments does), then its run processed by processRun, the function the worker's job child
// calls: a ResNet-20 baseline trained on Fashion-MNIST, then the `auto` stage under an accuracy budget. Every
// number is what the stage runner stored: test-split top-1 of the shipped INT8 ONNX file in onnxruntime-node, its
// bytes and gzip bytes, its batch-1 p50 latency (1 thread). The last line printed is one JSON object:
//   {"bench":"auto","testAccuracy":…,"bytes":…,"gzipBytes":…,"latencyP50Ms":…,"minutes":…, …}
// Bar: ≥ 92.0 % top-1 on the full test split at ≤ 64 KB, within 2 hours in all.
// Options: --limit N (training images; default all 60,000), --test N (test images; default all 10,000),
//   --epochs N (baseline epochs, default 15), --student-epochs N (distillation epochs per student, default 30),
//   --budget-minutes M (the auto stage's search budget, default 60), --max-drop PP (default 1), --students N (2),
//   --objective size|latency, --sparsity-steps N (0), --widths a,b,… --depths a,b,… --expansions a,b,… (the student
//   space; default 0.35,0.5 / 1,2 / 2,4,6: INT8 files of 36–75 KB, the bisection's first probe near 60 KB), --seed N,
//   --keep (keep the bench's database and artifacts). The defaults are the README's measured run (about 1 h 10 min here).
// Needs Redis (createExperiment queues the run; the bench takes the job itself and removes its keys afterwards).
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { overrideEnv } from "../../lib/env";

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const num = (name: string, fallback: number) => Number(option(name) ?? fallback);
const list = (name: string, fallback: number[]) => option(name)?.split(",").map(Number) ?? fallback;
const log = (line: string): void => void process.stderr.write(`${line}\n`);

// A database, artifact folder and queue prefix of the bench's own, set before anything of the lab reads its settings
// (lib/env.ts), as scripts/bench/queue.ts does.
const dir = path.resolve("data", `bench-auto-${process.pid}`);
overrideEnv({ DATABASE_URL: `file:${path.join(dir, "lab.db")}`, ARTIFACT_DIR: path.join(dir, "artifacts"), QUEUE_PREFIX: `bench-auto-${process.pid}` });

async function main() {
  mkdirSync(dir, { recursive: true });
  const { applyMigrations } = await import("../../prisma/migrate");
  const { db } = await import("../../lib/db");
  const { registerBuiltinDatasets } = await import("../../lib/datasets/builtin");
  const { createExperiment } = await import("../../lib/experiments/create-experiment");
  const { processRun } = await import("../../lib/pipeline/process-run");
  const { CreateExperiment } = await import("../../lib/schemas/experiment");
  const { closeQueue } = await import("../../lib/queue");
  const { Redis } = await import("ioredis");
  const { env } = await import("../../lib/env");

  await applyMigrations(env().DATABASE_URL);
  const registered = await registerBuiltinDatasets(db());
  if (!registered.includes("fashion-mnist")) throw new Error("Fashion-MNIST is not installed (Debian's dataset-fashion-mnist)");

  const limit = option("limit") ? Number(option("limit")) : undefined;
  const testLimit = option("test") ? Number(option("test")) : undefined;
  const auto = {
    maxAccuracyDrop: num("max-drop", 1),
    objective: (option("objective") ?? "size") as "size" | "latency",
    budgetMinutes: num("budget-minutes", 60),
    students: num("students", 2),
    epochs: num("student-epochs", 30),
    sparsitySteps: num("sparsity-steps", 0),
    // Students of 36–75 KB as INT8 files by default: the bisection's first probe is near the 64 KB the bar asks for.
    widths: list("widths", [0.35, 0.5]),
    depths: list("depths", [1, 2]),
    expansions: list("expansions", [2, 4, 6]),
  };
  const input = CreateExperiment.parse({
    name: `bench:auto ${new Date().toISOString()}`,
    datasetId: "fashion-mnist",
    architecture: "resnet", // depth 3: ResNet-20
    seed: num("seed", 1),
    training: { epochs: num("epochs", 15), batchSize: 64, learningRate: 1e-3, optimizer: "adam", schedule: { kind: "cosine" }, ...(limit ? { trainLimit: limit } : {}), ...(testLimit ? { testLimit } : {}) },
    pipeline: [{ technique: "baseline" }, { technique: "auto", params: auto }],
  });
  log(`bench:auto: ResNet-20 baseline ${input.training.epochs} epochs on ${limit ?? "all"} training images; auto ${JSON.stringify(auto)}`);

  const started = Date.now();
  const { runId } = await createExperiment(db(), input);
  let lastPhase = "";
  const outcome = await processRun(db(), runId, {
    attempt: 1, maxAttempts: 1, signal: new AbortController().signal,
    report: async (p) => {
      const phase = `${p.stageIndex}:${p.technique}:${p.phase}${p.epoch ? `:${p.epoch}` : ""}`;
      if (phase !== lastPhase) log(`[${((Date.now() - started) / 60_000).toFixed(1)} min] stage ${p.stageIndex} (${p.technique}) ${p.phase}${p.epoch ? ` epoch ${p.epoch}/${p.epochs}` : ""}`);
      lastPhase = phase;
    },
  });
  const minutes = (Date.now() - started) / 60_000;
  const run = await db().run.findUniqueOrThrow({ where: { id: runId }, include: { stages: { orderBy: { index: "asc" } } } });
  if (outcome !== "succeeded") throw new Error(`the run ended ${outcome}: ${run.error ?? ""}`);
  const [baseline, stage] = run.stages;
  const details = stage.details as { probes: number; withinBudget: boolean; baselineValAccuracy: number; chosen: Record<string, unknown>; minutes: number };
  const probes = await db().run.count({ where: { parentRunId: runId } });

  const redis = new Redis(env().REDIS_URL);
  const keys = await redis.keys(`${env().QUEUE_PREFIX}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  await closeQueue();
  await db().$disconnect();
  if (!process.argv.includes("--keep")) rmSync(dir, { recursive: true, force: true });

  const result = {
    bench: "auto",
    testAccuracy: stage.accuracy,
    bytes: stage.sizeBytes,
    gzipBytes: stage.gzipBytes,
    latencyP50Ms: stage.latencyP50Ms,
    minutes: Number(minutes.toFixed(2)),
    meetsBar: (stage.accuracy ?? 0) >= 0.92 && (stage.sizeBytes ?? Infinity) <= 64 * 1024 && minutes <= 120,
    baseline: { testAccuracy: baseline.accuracy, bytes: baseline.sizeBytes, latencyP50Ms: baseline.latencyP50Ms },
    speedup: stage.speedup,
    searchMinutes: Number(details.minutes.toFixed(2)),
    probes,
    withinBudget: details.withinBudget,
    chosen: details.chosen,
    trainImages: limit ?? "all",
    testImages: testLimit ?? "all",
  };
  console.log(JSON.stringify(result));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
