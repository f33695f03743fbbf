// npm start: the whole app on embedded defaults, from a fresh clone.
// System packages (where missing) → Redis (the one at REDIS_URL, or a local redis-server) → native backend
// build → database migrations and datasets → production build of the web app → web server + worker.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ensureSystemPackages } from "./system-deps.mjs";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
process.chdir(root);
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const HOST = process.env.HOST ?? "127.0.0.1";
const PORT = process.env.PORT ?? "3000";
const children = [];

function fail(message) {
  console.error(`\n✗ ${message}`);
  stopAll(1);
}

function stopAll(code = 0) {
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
  setTimeout(() => process.exit(code), children.length ? 8_000 : 0).unref();
  if (!children.length) process.exit(code);
}

// Node entry points run directly (not through npx, which only adds start-up time and warnings).
const NEXT = [process.execPath, "node_modules/next/dist/bin/next"];
const TSX = [process.execPath, "--import", "tsx"];

function run(command, args, opts = {}) {
  const r = spawnSync(command, args, { stdio: "inherit", ...opts });
  if (r.status !== 0) fail(`${command} ${args.join(" ")} failed`);
}

/** True when something at host:port answers a Redis PING. */
function redisAnswers(url, timeoutMs = 1_000) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname || "127.0.0.1", port: Number(port || 6379) });
    const done = (ok) => { socket.destroy(); resolve(ok); };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on("error", () => done(false));
    socket.on("connect", () => socket.write("PING\r\n"));
    socket.on("data", (d) => done(d.toString().startsWith("+PONG") || d.toString().startsWith("-NOAUTH")));
  });
}

async function ensureRedis() {
  if (await redisAnswers(REDIS_URL)) return console.log(`redis: using ${REDIS_URL}`);
  const { hostname, port } = new URL(REDIS_URL);
  if (!["127.0.0.1", "localhost", "::1", "[::1]"].includes(hostname)) fail(`Redis does not answer at ${REDIS_URL} (set REDIS_URL to a running Redis).`);
  if (spawnSync("sh", ["-c", "command -v redis-server"]).status !== 0) fail("Redis is not running and redis-server is not installed: apt-get install redis-server");
  mkdirSync("data/redis", { recursive: true });
  const redis = spawn("redis-server", ["--bind", "127.0.0.1", "--port", port || "6379", "--dir", path.join(root, "data/redis"), "--appendonly", "yes", "--save", ""], { stdio: "ignore" });
  children.push(redis);
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
  const sources = Math.max(newestMtime("app"), newestMtime("lib"), statSync("next.config.ts").mtimeMs);
  if (existsSync(buildId) && statSync(buildId).mtimeMs > sources) return;
  console.log("web: building the app (first start, or sources changed)…");
  run(NEXT[0], [...NEXT.slice(1), "build"], { env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
}

async function main() {
  const loopback = ["127.0.0.1", "localhost", "::1"].includes(HOST) || HOST.startsWith("127.");
  if (!loopback && !process.env.LAB_PASSWORD) {
    fail(`Refusing to listen on ${HOST} without authentication: set LAB_PASSWORD (and LAB_API_TOKENS for scripts), or listen on 127.0.0.1.`);
  }
  if (!ensureSystemPackages(false)) fail("install the missing system packages above, then run npm start again");
  await ensureRedis();
  run(process.execPath, ["lib/ml/backend/native/build.mjs"]);
  run(TSX[0], [...TSX.slice(1), "scripts/prepare.ts"]);
  ensureWebBuild();

  const env = { ...process.env, REDIS_URL, NEXT_TELEMETRY_DISABLED: "1" };
  const web = spawn(NEXT[0], [...NEXT.slice(1), "start", "-H", HOST, "-p", PORT], { stdio: ["ignore", "inherit", "inherit"], env });
  const worker = spawn(TSX[0], [...TSX.slice(1), "workers/compression.ts"], { stdio: ["ignore", "inherit", "inherit"], env });
  children.push(web, worker);
  for (const child of [web, worker]) {
    child.on("exit", (code) => {
      if (stopping) return;
      console.error(`${child === web ? "web server" : "worker"} exited (${code}); stopping`);
      stopping = true;
      stopAll(code ?? 1);
    });
  }
  console.log(`\nCompression Lab is running at http://${HOST === "0.0.0.0" ? "localhost" : HOST}:${PORT}\n`);
}

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => { stopping = true; stopAll(0); });
main().catch((e) => fail(e instanceof Error ? e.message : String(e)));
