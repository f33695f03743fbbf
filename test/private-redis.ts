// A redis-server of the test run's own (a temp folder, its own port, nothing saved), for `npm test` on a machine
// where no Redis answers. The counterpart of private-postgres.ts.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { redisAnswers } from "../scripts/services.mjs";

export interface PrivateRedis {
  url: string;
  stop: () => Promise<void>;
}

export async function startPrivateRedis(port: number): Promise<PrivateRedis> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "lab-redis-"));
  const url = `redis://127.0.0.1:${port}`;
  const server = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], { stdio: "ignore" });
  const exited = new Promise<void>((resolve) => server.once("exit", () => resolve()));
  server.once("error", () => {}); // not installed: reported below as "does not answer"
  for (let i = 0; i < 100 && !(await redisAnswers(url, 200)); i++) await new Promise((r) => setTimeout(r, 100));
  const stop = async () => {
    if (server.exitCode === null && server.signalCode === null && server.pid !== undefined) {
      server.kill("SIGTERM");
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  if (!(await redisAnswers(url, 500))) {
    await stop();
    throw new Error(`redis-server on port ${port} did not answer (is redis-server installed?)`);
  }
  return { url, stop };
}
