// npm test: the whole suite, as CI runs it, on a machine where `npm install && npm start` has run and nothing else.
// Installs the Debian packages the tests need where missing (as root; otherwise prints the apt-get line and
// fails), uses the Redis at REDIS_URL and the PostgreSQL at TEST_POSTGRES_URL or starts private ones (a temp
// folder, a free port, stopped at the end), requires the native backend where its toolchain is installed,
// type-checks, runs the unit and integration tests (the latter on SQLite and on PostgreSQL), then the Playwright
// specs in Chromium, and ends with one line: "tests: N passed, N failed, N skipped".
//   npm test [-- unit|int|e2e [vitest or Playwright filters…]]
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ensureSystemPackages } from "./system-deps.mjs";
import { ensurePostgres, ensureRedis } from "./test-services.mjs";

process.chdir(path.dirname(path.dirname(fileURLToPath(import.meta.url))));
const NODE = process.execPath;
const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";
const DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test";
const stops = []; // private servers to stop at the end
let current; // the step's process, ended with us

function run(command, args) {
  return new Promise((resolve) => {
    const child = (current = spawn(command, args, { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } }));
    child.on("error", (e) => (console.error(e.message), resolve(1)));
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

async function step(name, command, args) {
  console.log(`\n▶ ${name}`);
  const started = Date.now();
  const status = await run(command, args);
  console.log(`  ${name}: ${status === 0 ? "ok" : `FAILED (exit ${status})`} in ${Math.round((Date.now() - started) / 1000)}s`);
  return status === 0;
}

async function stopServices() {
  for (const stop of stops.splice(0).reverse()) {
    try {
      await stop();
    } catch (e) {
      console.error(`could not stop a private server: ${e instanceof Error ? e.message : e}`);
    }
  }
}

async function abort(message) {
  console.error(`\n✗ ${message}`);
  await stopServices();
  process.exit(1);
}

/** Points REDIS_URL (and TEST_POSTGRES_URL) at services that answer, starting private ones where needed. */
async function ensureServices(withPostgres) {
  try {
    const redis = await ensureRedis(process.env.REDIS_URL ?? DEFAULT_REDIS_URL, { explicit: Boolean(process.env.REDIS_URL) });
    stops.push(redis.stop);
    process.env.REDIS_URL = redis.url;
    console.log(`redis: ${redis.note}`);
    if (!withPostgres) return;
    const postgres = await ensurePostgres(process.env.TEST_POSTGRES_URL ?? DEFAULT_POSTGRES_URL, { explicit: Boolean(process.env.TEST_POSTGRES_URL) });
    stops.push(postgres.stop);
    process.env.TEST_POSTGRES_URL = postgres.url;
    console.log(`postgresql: ${postgres.note}`);
  } catch (e) {
    await abort(e instanceof Error ? e.message : String(e));
  }
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

/** Counts from the reports the runs wrote: vitest's JSON (pending = skipped, todo) and Playwright's stats. */
function counts() {
  const total = { passed: 0, failed: 0, skipped: 0 };
  const vitest = readJson("reports/vitest.json");
  if (vitest) {
    total.passed += vitest.numPassedTests;
    total.failed += vitest.numFailedTests;
    total.skipped += (vitest.numPendingTests ?? 0) + (vitest.numTodoTests ?? 0);
  }
  const playwright = existsSync("reports/playwright.json") ? readJson("reports/playwright.json") : null;
  if (playwright?.stats) {
    total.passed += playwright.stats.expected + (playwright.stats.flaky ?? 0);
    total.failed += playwright.stats.unexpected;
    total.skipped += playwright.stats.skipped ?? 0;
  }
  return total;
}

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    if (current?.exitCode === null) current.kill(signal);
    await stopServices();
    process.exit(130);
  });
}

const only = process.argv[2]; // optional: "unit" | "int" | "e2e"
const filters = process.argv.slice(3); // optional, with a part: which files to run
if (only && !["unit", "int", "e2e"].includes(only)) await abort(`unknown part "${only}": use unit, int or e2e`);
if (!ensureSystemPackages(true)) await abort("install the missing system packages above, then run npm test again");
await ensureServices(!only || only === "int");

rmSync("reports", { recursive: true, force: true }); // never count an earlier run
mkdirSync("reports", { recursive: true });
const results = [];
if (!only || only === "unit") results.push(await step("native backend (required where g++ and libdnnl-dev are installed)", NODE, ["lib/ml/backend/native/build.mjs", "--require"]));
if (!only) results.push(await step("type-check", NODE, ["node_modules/typescript/bin/tsc", "--noEmit"]));
if (!only || only === "unit" || only === "int") {
  const projects = only === "unit" ? ["--project", "unit"] : only === "int" ? ["--project", "integration-*"] : [];
  results.push(await step("vitest", NODE, ["node_modules/vitest/vitest.mjs", "run", ...projects, "--reporter=default", "--reporter=json", "--outputFile=reports/vitest.json", ...filters]));
}
if (!only || only === "e2e") results.push(await step("playwright", NODE, ["node_modules/@playwright/test/cli.js", "test", ...filters]));
await stopServices();

const { passed, failed, skipped } = counts();
const stepsFailed = results.filter((ok) => !ok).length;
console.log(`\ntests: ${passed} passed, ${failed + (failed === 0 ? stepsFailed : 0)} failed, ${skipped} skipped`);
process.exit(stepsFailed ? 1 : 0);
