// npm run bench:queue — 50 tiny runs submitted at once to two worker processes (one job each, both cores):
// every run must finish exactly once. Prints, as its last line:
// {"bench":"queue","submitted":…,"succeeded":…,"duplicates":…,"wallSeconds":…}
import { rmSync } from "node:fs";
import path from "node:path";
import { QueueEvents } from "bullmq";
import { overrideEnv } from "../../lib/env";

const SUBMITTED = Number(process.argv.find((a) => a.startsWith("--runs="))?.slice(7) ?? 50);
const scratch = path.resolve("data/bench-queue");
rmSync(scratch, { recursive: true, force: true });
// Set before the app's modules load, and inherited by the two worker processes.
const settings = overrideEnv({ DATABASE_URL: `file:${scratch}/lab.db`, ARTIFACT_DIR: `${scratch}/artifacts`, QUEUE_PREFIX: `bench-queue-${process.pid}` });

const { applyMigrations } = await import("../../prisma/migrate");
const { db } = await import("../../lib/db");
const { createExperiment } = await import("../../lib/experiments/create-experiment");
const { CreateExperiment } = await import("../../lib/schemas/experiment");
const { closeQueue, QueueName, redisConnection } = await import("../../lib/queue");
const { registerSyntheticDataset, startWorkerProcess, waitFor } = await import("../../test/fixtures");

await applyMigrations(settings.DATABASE_URL);
await registerSyntheticDataset(db());

// Count how often each job becomes active: more than once for one run would be a duplicate.
const activations = new Map<string, number>();
const events = new QueueEvents(QueueName.Pipeline, { connection: redisConnection("consumer"), prefix: settings.QUEUE_PREFIX });
events.on("active", ({ jobId }) => activations.set(jobId, (activations.get(jobId) ?? 0) + 1));
await events.waitUntilReady();

const workers = await Promise.all([startWorkerProcess({ WORKER_CONCURRENCY: "1" }), startWorkerProcess({ WORKER_CONCURRENCY: "1" })]);
const started = performance.now();
const input = (i: number) =>
  CreateExperiment.parse({ name: `queue bench ${i}`, datasetId: "synthetic", architecture: "small-cnn", training: { epochs: 1, batchSize: 32, trainLimit: 100, testLimit: 100 }, seed: i });
const runIds = (await Promise.all(Array.from({ length: SUBMITTED }, (_, i) => createExperiment(db(), input(i))))).map((r) => r.runId);

await waitFor("every run to finish", async () => (await db().run.count({ where: { id: { in: runIds }, status: { in: ["succeeded", "failed", "cancelled"] } } })) === SUBMITTED, 30 * 60_000, 500);
const wallSeconds = (performance.now() - started) / 1000;
const succeeded = await db().run.count({ where: { id: { in: runIds }, status: "succeeded" } });
const duplicates = runIds.reduce((sum, id) => sum + Math.max(0, (activations.get(id) ?? 0) - 1), 0);

await Promise.all(workers.map((w) => w.stop()));
await events.close();
await closeQueue();
await db().$disconnect();
console.log(JSON.stringify({ bench: "queue", submitted: SUBMITTED, succeeded, duplicates, wallSeconds: Math.round(wallSeconds * 10) / 10 }));
process.exit(succeeded === SUBMITTED && duplicates === 0 ? 0 : 1);
