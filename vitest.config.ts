// Three projects, one layout: unit tests next to the code (*.test.ts), integration tests (*.int.test.ts) run
// twice — on SQLite and on PostgreSQL — against the real Redis. Playwright specs live in e2e/ (not here).
import os from "node:os";
import path from "node:path";
import { defineConfig } from "vitest/config";

const root = path.dirname(new URL(import.meta.url).pathname);
const scratch = path.join(os.tmpdir(), `lab-test-${process.pid}`);

/**
 * Integration tests whose subject is the model (training settings, an uploaded model's import, INT8 fidelity, the
 * analyze stage) or Redis, not the database: their writes are the pipeline's usual ones, which the pipeline, fault,
 * resume and sweep tests exercise on both databases. They run on SQLite only — a minute and a half of training
 * less on every CI run of this 2-core machine.
 */
const MODEL_SUBJECT_TESTS = [
  "lib/models/baseline-load.int.test.ts",
  "lib/models/tfjs-upload.int.test.ts",
  "lib/pipeline/training-settings.int.test.ts",
  "lib/pipeline/int8-fidelity.int.test.ts",
  "lib/pipeline/analyze-stage.int.test.ts",
  "lib/pipeline/redis-outage.int.test.ts",
];

function integration(provider: "sqlite" | "postgresql", databaseUrl: string) {
  return {
    extends: true as const,
    test: {
      name: `integration-${provider}`,
      include: ["**/*.int.test.ts"],
      exclude: ["node_modules/**", "e2e/**", ...(provider === "postgresql" ? MODEL_SUBJECT_TESTS : [])],
      globalSetup: ["test/global-setup.ts"],
      fileParallelism: false,
      testTimeout: 180_000,
      hookTimeout: 120_000,
      env: {
        DATABASE_URL: databaseUrl,
        QUEUE_PREFIX: `labtest-${provider}-${process.pid}`,
        ARTIFACT_DIR: path.join(scratch, provider, "artifacts"),
        LAB_BACKEND: process.env.LAB_BACKEND ?? "auto",
      },
    },
  };
}

export default defineConfig({
  resolve: { alias: { "@": root } },
  test: {
    projects: [
      { extends: true, test: { name: "unit", include: ["lib/**/*.test.ts", "scripts/**/*.test.ts", "prisma/**/*.test.ts", "bin/**/*.test.ts"], exclude: ["**/*.int.test.ts", "node_modules/**"], testTimeout: 120_000 } },
      integration("sqlite", `file:${path.join(scratch, "sqlite", "lab.db")}`),
      integration("postgresql", process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/test"),
    ],
  },
});
