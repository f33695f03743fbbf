// The web server as npm start and bench:ui run it (scripts/web-server.mjs): WEB_PROCESSES `next start` processes
// answering on one port; a process that dies takes the server down (npm start then stops, as with one process);
// SIGTERM stops every process.
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { childEnv } from "../lib/env";
import { processAlive as alive, waitFor } from "../test/fixtures";
import { freePort } from "./services.mjs";
import { spawnWebServer } from "./web-server.mjs";

const childrenOf = (pid: number) => readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
const exited = (child: ReturnType<typeof spawnWebServer>) =>
  new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once("exit", (code) => resolve(code))));

// On SQLite only, like start.int.test.ts: it serves the production build in .next (npm start's test builds it).
const onSqlite = process.env.DATABASE_URL?.startsWith("file:");
let server: ReturnType<typeof spawnWebServer> | undefined;
afterEach(() => void server?.kill("SIGKILL"));

describe.runIf(onSqlite)("the web server (scripts/web-server.mjs)", () => {
  it("answers on one port from two processes, and a SIGTERM stops both", async () => {
    const port = await freePort();
    server = spawnWebServer({ host: "127.0.0.1", port, processes: 2, env: childEnv({ NEXT_TELEMETRY_DISABLED: "1", LAB_PASSWORD: undefined }), stdio: "ignore" });
    const answers = async () => (await fetch(`http://127.0.0.1:${port}/api/datasets`).catch(() => null))?.status === 200;
    await waitFor("the server to answer", answers, 120_000, 300);
    const processes = childrenOf(server.pid!);
    expect(processes).toHaveLength(2);
    server.kill("SIGTERM");
    expect(await exited(server)).toBe(0);
    expect(processes.filter(alive)).toEqual([]);
    expect(await answers()).toBe(false);
  }, 180_000);

  it("stops, with a failing exit code, when one of its processes dies", async () => {
    const port = await freePort();
    server = spawnWebServer({ host: "127.0.0.1", port, processes: 2, env: childEnv({ NEXT_TELEMETRY_DISABLED: "1", LAB_PASSWORD: undefined }), stdio: "ignore" });
    await waitFor("the server to answer", async () => (await fetch(`http://127.0.0.1:${port}/api/datasets`).catch(() => null))?.ok, 120_000, 300);
    const [first, second] = childrenOf(server.pid!);
    process.kill(first, "SIGKILL");
    expect(await exited(server)).not.toBe(0);
    await waitFor("the other process to stop", async () => !alive(second), 30_000, 100);
  }, 180_000);
});
