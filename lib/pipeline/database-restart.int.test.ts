// PostgreSQL restarts under a running job: the worker's pool reconnects and the run completes, once.
// (Runs in the PostgreSQL project only, on a private server so the shared one is left alone.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { privatePostgresAvailable, startPrivatePostgres, type PrivatePostgres } from "../../test/private-postgres";

const onPostgres = process.env.DATABASE_URL?.startsWith("postgres") && privatePostgresAvailable();
const PORT = 5499 - (process.pid % 50);

describe.runIf(onPostgres)("database restart", () => {
  let pg: PrivatePostgres;
  let modules: Awaited<ReturnType<typeof load>>;

  async function load() {
    const { applyMigrations } = await import("../../prisma/migrate");
    const { createDb } = await import("../db");
    const fixtures = await import("../../test/fixtures");
    const { createExperiment } = await import("../experiments/create-experiment");
    const { CreateExperiment } = await import("../schemas/experiment");
    const { closeQueue } = await import("../queue");
    return { applyMigrations, createDb, fixtures, createExperiment, CreateExperiment, closeQueue };
  }

  beforeAll(async () => {
    pg = startPrivatePostgres(PORT);
    modules = await load();
    await modules.applyMigrations(pg.url);
  });
  afterAll(async () => {
    await modules?.closeQueue();
    pg?.stop();
  });

  it("the run completes after PostgreSQL restarts mid-training", async () => {
    const { createDb, fixtures, createExperiment, CreateExperiment } = modules;
    const db = createDb(pg.url);
    await fixtures.registerSyntheticDataset(db);
    const worker = await fixtures.startWorkerProcess({ DATABASE_URL: pg.url, WORKER_LOCK_MS: "3000" });
    try {
      const input = CreateExperiment.parse({ name: "database restart", datasetId: "synthetic", architecture: "small-cnn", training: { epochs: 10, batchSize: 8 }, seed: 11 });
      const { runId } = await createExperiment(db, input);
      await fixtures.waitFor("one epoch", async () => (await db.metricPoint.count({ where: { runId, name: "loss" } })) >= 1);
      pg.restart();
      const run = await fixtures.waitFor(
        "the run to finish",
        async () => {
          try {
            return await db.run.findFirst({ where: { id: runId, status: { in: ["succeeded", "failed"] } } });
          } catch {
            return null; // this test's own client reconnects too; until then, poll again
          }
        },
        150_000,
      );
      expect(run.error, worker.output()).toBeNull();
      expect(run.status).toBe("succeeded");
      const steps = (await db.metricPoint.findMany({ where: { runId, name: "loss" }, orderBy: { step: "asc" } })).map((m) => m.step);
      expect(steps).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    } finally {
      await worker.stop("SIGKILL");
      await db.$disconnect();
    }
  });
});
