// npm test: the whole suite, as CI runs it. Checks that Redis and PostgreSQL answer, type-checks, runs the
// unit and integration tests (the latter on SQLite and on PostgreSQL), then the Playwright specs in Chromium,
// and ends with one line: "tests: N passed, N failed". `node scripts/test.mjs unit|int|e2e` runs one part (the
// npm scripts test:unit, test:int, test:e2e), checking only the services that part needs.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
const NODE = process.execPath;

function reachable(url, fallbackPort) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || fallbackPort) });
    socket.setTimeout(1_500, () => (socket.destroy(), resolve(false)));
    socket.on("error", () => resolve(false));
    socket.on("connect", () => (socket.destroy(), resolve(true)));
  });
}

function step(name, command, args) {
  console.log(`\n▶ ${name}`);
  const started = Date.now();
  const r = spawnSync(command, args, { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  console.log(`  ${name}: ${r.status === 0 ? "ok" : `FAILED (exit ${r.status})`} in ${Math.round((Date.now() - started) / 1000)}s`);
  return r.status === 0;
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

// optional: "unit" | "int" | "e2e" (npm run test:unit / test:int / test:e2e); none = everything
const only = process.argv[2];
if (only !== undefined && !["unit", "int", "e2e"].includes(only)) {
  console.error(`scripts/test.mjs: unknown part "${only}" (known: unit, int, e2e; none runs everything)`);
  process.exit(2);
}
// Unit tests need no service; the integration tests need both, the app under Playwright needs Redis.
const missing = [];
if (only !== "unit" && !(await reachable(REDIS_URL, 6379))) missing.push(`Redis at ${REDIS_URL} (start redis-server)`);
if ((!only || only === "int") && !(await reachable(POSTGRES_URL, 5432))) missing.push(`PostgreSQL at ${POSTGRES_URL} (start postgresql; set TEST_POSTGRES_URL)`);
if (missing.length) {
  console.error(`The tests need real services; not answering: ${missing.join("; ")}. .ci/run starts both.`);
  process.exit(1);
}

rmSync("reports", { recursive: true, force: true }); // never count an earlier run
mkdirSync("reports", { recursive: true });
const results = [];
if (!only) results.push(step("type-check", NODE, ["node_modules/typescript/bin/tsc", "--noEmit"]));
if (!only || only === "unit" || only === "int") {
  const projects = only === "unit" ? ["--project", "unit"] : only === "int" ? ["--project", "integration-*"] : [];
  results.push(step("vitest", NODE, ["node_modules/vitest/vitest.mjs", "run", ...projects, "--reporter=default", "--reporter=json", "--outputFile=reports/vitest.json"]));
}
if (!only || only === "e2e") {
  results.push(step("playwright", NODE, ["node_modules/@playwright/test/cli.js", "test"]));
}

let passed = 0;
let failed = 0;
const vitest = readJson("reports/vitest.json");
if (vitest) {
  passed += vitest.numPassedTests;
  failed += vitest.numFailedTests;
}
const playwright = existsSync("reports/playwright.json") ? readJson("reports/playwright.json") : null;
if (playwright?.stats) {
  passed += playwright.stats.expected;
  failed += playwright.stats.unexpected;
}
const stepsFailed = results.filter((ok) => !ok).length;
console.log(`\ntests: ${passed} passed, ${failed + (failed === 0 ? stepsFailed : 0)} failed`);
process.exit(stepsFailed ? 1 : 0);
