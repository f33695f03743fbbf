// npm start as a user runs it (scripts/start.mjs: the production build, `next start`, the real worker on the real
// Redis and this project's database): a worker killed with SIGKILL is restarted while the web server keeps
// answering; Ctrl-C stops everything; and the built server refuses to serve every address without a password.
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { processAlive as alive, waitFor } from "../test/fixtures";

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const workerPids = (output: string) => [...output.matchAll(/\[start\] worker started \(pid (\d+)\)/g)].map((m) => Number(m[1]));

/** Its own queue: a job another test left behind must not be trained here. */
const queuePrefix = `${process.env.QUEUE_PREFIX}-start`;
let app: ChildProcess;
let output = "";
let port: number;
const answers = async () => {
  try {
    return (await fetch(`http://127.0.0.1:${port}/api/datasets`, { signal: AbortSignal.timeout(5_000) })).status === 200;
  } catch {
    return false;
  }
};

// On SQLite (npm start's default) only: the first run builds the web app into .next, and the two integration
// projects may run at the same time — two builds into one folder would break each other.
const onSqlite = process.env.DATABASE_URL?.startsWith("file:");

describe.runIf(onSqlite)("npm start", () => {
  beforeAll(async () => {
    port = await freePort();
    // Its own process group, so that afterAll can end whatever is left of it (and nothing else).
    app = spawn(process.execPath, ["scripts/start.mjs"], {
      cwd: root,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", QUEUE_PREFIX: queuePrefix },
    });
    app.stdout!.on("data", (d) => (output += d));
    app.stderr!.on("data", (d) => (output += d));
    // The first start builds the web app (minutes); later ones reuse the build.
    await waitFor("the app to start", async () => {
      if (app.exitCode !== null) throw new Error(`npm start exited (${app.exitCode}):\n${output}`);
      return output.includes("[worker] consuming") && (await answers());
    }, 900_000, 500);
  }, 900_000);

  afterAll(async () => {
    if (app.pid && alive(app.pid)) process.kill(-app.pid, "SIGKILL");
    const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
    const keys = await redis.keys(`${queuePrefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it("restarts a worker killed with SIGKILL, and the web server keeps answering", async () => {
    const [first] = workerPids(output);
    expect(first).toBeGreaterThan(0);
    process.kill(first, "SIGKILL");
    await waitFor("the death to be logged", async () => output.includes("[start] worker died (killed by SIGKILL); restarting in 1s"), 10_000, 50);
    expect(await answers()).toBe(true); // while no worker runs
    const second = await waitFor("a new worker", async () => workerPids(output).find((pid) => pid !== first), 30_000, 100);
    expect(alive(first)).toBe(false);
    expect(alive(second)).toBe(true);
    await waitFor("the new worker to consume", async () => output.split(`pid ${second}`)[1]?.includes("[worker] consuming"), 60_000, 200);
    expect(await answers()).toBe(true);
    expect(app.exitCode).toBeNull();
    expect(output).not.toMatch(/web server exited/);
  });

  it("refuses, once built, to serve every address without a password when started without -H", async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
    delete env.PORT;
    delete env.HOST;
    delete env.LAB_PASSWORD;
    const bare = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-p", String(await freePort())], { cwd: root, stdio: ["ignore", "pipe", "pipe"], env });
    let said = "";
    bare.stdout!.on("data", (d) => (said += d));
    bare.stderr!.on("data", (d) => (said += d));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => (bare.kill("SIGKILL"), resolve(null)), 60_000);
      bare.on("exit", (c) => (clearTimeout(timer), resolve(c)));
    });
    expect(said).toMatch(/Refusing to serve without authentication: the server answers on .* port \d+/);
    expect(code).toBe(1);
  });

  it("stops the web server and the worker on Ctrl-C", async () => {
    const worker = workerPids(output).at(-1)!;
    process.kill(app.pid!, "SIGINT");
    await waitFor("npm start to exit", async () => app.exitCode !== null || app.signalCode !== null, 30_000, 100);
    await waitFor("the worker to exit", async () => !alive(worker), 30_000, 100);
    expect(await answers()).toBe(false);
    expect(workerPids(output)).toHaveLength(2); // no restart after Ctrl-C
  });
});
