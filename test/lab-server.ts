// The app as users get it, for integration tests that must go through HTTP: a production build (made once, when
// the sources are newer than it) served by `next start` on a free loopback port, with this test project's
// database and whatever extra environment the test gives (LAB_PASSWORD, limits, dataset folders).
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, statSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const NEXT = path.join(root, "node_modules", "next", "dist", "bin", "next");

/** Newest modification under `p`, tests left out (they are not part of the build). */
function newestMtime(p: string): number {
  if (!existsSync(p) || /\.test\.ts$/.test(p)) return 0;
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(0, ...readdirSync(p).map((e) => newestMtime(path.join(p, e))));
}

/** Builds the app unless .next is newer than its sources; a lock folder keeps two test projects from building at once. */
export async function ensureBuild(): Promise<void> {
  const lock = path.join(root, ".next-build-lock");
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than any build is left over from a killed test run.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 20 * 60_000) rmdirSync(lock);
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
  try {
    const buildId = path.join(root, ".next", "BUILD_ID");
    const sources = Math.max(newestMtime(path.join(root, "app")), newestMtime(path.join(root, "lib")), ...["proxy.ts", "next.config.ts", "instrumentation.ts"].map((f) => newestMtime(path.join(root, f))));
    if (existsSync(buildId) && statSync(buildId).mtimeMs > sources) return;
    execFileSync(process.execPath, [NEXT, "build"], { cwd: root, stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  } finally {
    rmdirSync(lock);
  }
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

export interface LabServer {
  url: string;
  port: number;
  process: ChildProcess;
  output: () => string;
  /** Peak resident memory (VmHWM) of the server process, in bytes. */
  peakRss: () => number;
  stop: () => Promise<void>;
}

export async function startLabServer(env: Record<string, string> = {}): Promise<LabServer> {
  await ensureBuild();
  const port = await freePort();
  const child = spawn(process.execPath, [NEXT, "start", "-H", "127.0.0.1", "-p", String(port)], {
    cwd: root,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}:\n${output}`);
    const up = await fetch(`${url}/login`).then(() => true, () => false);
    if (up) break;
    if (Date.now() > deadline) throw new Error(`next start did not answer:\n${output}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  return {
    url,
    port,
    process: child,
    output: () => output,
    peakRss: () => Number(readFileSync(`/proc/${child.pid}/status`, "utf8").match(/VmHWM:\s+(\d+) kB/)![1]) * 1024,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * One HTTP request with full control of the headers (fetch refuses to set Host). `body` may be a Buffer or an
 * iterable of chunks; a server that answers and closes before the body is sent is not an error here.
 */
export function rawRequest(url: string, opts: { method?: string; headers?: Record<string, string>; body?: Buffer | Iterable<Buffer> } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? "GET", headers: opts.headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      res.on("error", reject);
    });
    req.on("error", (e) => reject(e));
    const body = opts.body;
    if (!body) return req.end();
    if (Buffer.isBuffer(body)) return req.end(body);
    const chunks = body[Symbol.iterator]();
    const pump = () => {
      for (;;) {
        const next = chunks.next();
        if (next.done) return req.end();
        if (req.destroyed) return;
        if (!req.write(next.value)) return req.once("drain", pump);
      }
    };
    pump();
  });
}
