// npm start: the whole app on embedded defaults, from a fresh clone.
// System packages (where missing) → Redis (the one at REDIS_URL, or a local redis-server) → native backend
// build → database migrations and datasets → production build of the web app → web server (WEB_PROCESSES processes on one port: scripts/web-server.mjs) + worker. A worker
// that dies is restarted with back-off (scripts/supervise.mjs); the web server stays up. Ctrl-C stops everything.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { tsImport } from "tsx/esm/api";
import { redisAnswers } from "./services.mjs";
import { supervise } from "./supervise.mjs";
import { ensureSystemPackages } from "./system-deps.mjs";
import { spawnWebServer } from "./web-server.mjs";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
process.chdir(root);
// Plain Node cannot import the app's TypeScript; tsx's tsImport loads it, so that the settings (validated, with
// their defaults, a bad one named) and the loopback rule have one home each: lib/env.ts and lib/auth/listen.ts.
const { childEnv, env, webProcesses } = await tsImport("../lib/env.ts", import.meta.url);
const { isLoopback, listenRefusal } = await tsImport("../lib/auth/listen.ts", import.meta.url);
let settings;
try {
  settings = env();
} catch (e) {
  console.error(`\n✗ ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
const { REDIS_URL, HOST, PORT, LAB_PASSWORD } = settings;
let redis; // a redis-server of ours, when none answered
let web;
let worker; // the worker's supervisor
/** How long a stop waits for the worker to hand its jobs back (its own grace is 20 s) before exiting anyway. */
const STOP_GRACE_MS = 25_000;

/** Thrown by fail() so that main() goes no further while the children stop. */
const ABORTED = Symbol("aborted");

function fail(message) {
  console.error(`\n✗ ${message}`);
  void stopAll(1);
  throw ABORTED;
}

/** SIGTERM to a child still running; resolves when it has exited. */
function terminate(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", resolve);
    child.kill("SIGTERM");
  });
}

/** The web server and the worker first, Redis last: the worker hands its running jobs back to the queue. */
async function stopAll(code = 0) {
  if (stopping) return;
  stopping = true;
  setTimeout(() => process.exit(code), STOP_GRACE_MS).unref();
  await Promise.all([worker?.stop("SIGTERM"), terminate(web)]);
  await terminate(redis);
  process.exit(code);
}

// Node entry points run directly (not through npx, which only adds start-up time and warnings).
const NEXT = [process.execPath, "node_modules/next/dist/bin/next"];
const TSX = [process.execPath, "--import", "tsx"];

function run(command, args, opts = {}) {
  const r = spawnSync(command, args, { stdio: "inherit", ...opts });
  if (r.status !== 0) fail(`${command} ${args.join(" ")} failed`);
}

async function ensureRedis() {
  if (await redisAnswers(REDIS_URL)) return console.log(`redis: using ${REDIS_URL}`);
  const { hostname, port } = new URL(REDIS_URL);
  if (!isLoopback(hostname)) fail(`Redis does not answer at ${REDIS_URL} (set REDIS_URL to a running Redis).`);
  if (spawnSync("sh", ["-c", "command -v redis-server"]).status !== 0) fail("Redis is not running and redis-server is not installed: apt-get install redis-server");
  mkdirSync("data/redis", { recursive: true });
  redis = spawn("redis-server", ["--bind", "127.0.0.1", "--port", port || "6379", "--dir", path.join(root, "data/redis"), "--appendonly", "yes", "--save", ""], { stdio: "ignore" });
  for (let i = 0; i < 50 && !(await redisAnswers(REDIS_URL)); i++) await new Promise((r) => setTimeout(r, 100));
  if (!(await redisAnswers(REDIS_URL))) fail("redis-server was started but does not answer");
  console.log(`redis: started a local redis-server on port ${port || 6379} (data in data/redis)`);
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name.startsWith(".") || entry.name === "generated") continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

function ensureWebBuild() {
  const buildId = ".next/BUILD_ID";
  // Everything `next build` compiles or copies: the routes, lib, public/, and the root files of the server.
  const rootFiles = ["next.config.ts", "instrumentation.ts", "proxy.ts", "package.json"].filter((f) => existsSync(f));
  const sources = Math.max(newestMtime("app"), newestMtime("lib"), newestMtime("public"), ...rootFiles.map((f) => statSync(f).mtimeMs));
  if (existsSync(buildId) && statSync(buildId).mtimeMs > sources) return;
  console.log("web: building the app (first start, or sources changed)…");
  run(NEXT[0], [...NEXT.slice(1), "build"], { env: childEnv({ NEXT_TELEMETRY_DISABLED: "1" }) });
}

async function main() {
  // The same check the server makes when it starts, made here before minutes of building.
  const refusal = listenRefusal(HOST, LAB_PASSWORD);
  if (refusal) fail(refusal);
  if (!ensureSystemPackages(false)) fail("install the missing system packages above, then run npm start again");
  await ensureRedis();
  run(process.execPath, ["lib/ml/backend/native/build.mjs"]);
  run(TSX[0], [...TSX.slice(1), "scripts/prepare.ts"]);
  ensureWebBuild();

  const env = childEnv({ REDIS_URL, NEXT_TELEMETRY_DISABLED: "1" });
  web = spawnWebServer({ host: HOST, port: PORT, processes: webProcesses(settings), env });
  web.on("exit", (code, signal) => {
    if (stopping) return;
    console.error(`web server exited (${signal ?? `exit code ${code}`}); stopping`);
    void stopAll(code || 1);
  });
  // The worker's jobs survive its death (the queue hands them back, they resume from their checkpoint), so a
  // dead worker is restarted rather than taking the dashboard down with it.
  worker = supervise("worker", () => spawn(TSX[0], [...TSX.slice(1), "workers/compression.ts"], { stdio: ["ignore", "inherit", "inherit"], env }), {
    log: (line) => console.log(`[start] ${line}`),
  });
  console.log(`\nCompression Lab is running at http://${HOST === "0.0.0.0" ? "localhost" : HOST}:${PORT}\n`);
}

let stopping = false;
// A second Ctrl-C does not wait for the worker to hand its jobs back.
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => (stopping ? process.exit(130) : void stopAll(0)));
main().catch((e) => {
  if (e === ABORTED) return;
  console.error(`\n✗ ${e instanceof Error ? e.message : String(e)}`);
  void stopAll(1);
});
