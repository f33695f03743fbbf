// A start that finds the SQLite file held by a writer (a worker finishing a run, a script seeding rows) waits for
// it instead of failing: CI once saw `npm start` end with "unknown variant `SocketTimeout`" — the adapter's name for
// SQLITE_BUSY — after better-sqlite3's default 5 s wait.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { applyMigrations } from "./migrate";

const dir = mkdtempSync(path.join(os.tmpdir(), "lab-migrate-lock-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Another process takes the write lock, says so, holds it for `ms`, then commits. */
function holdWriteLock(file: string, ms: number) {
  const script = `
    const db = new (require("better-sqlite3"))(${JSON.stringify(file)});
    db.prepare("BEGIN IMMEDIATE").run();
    process.stdout.write("locked\\n");
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ${ms});
    db.prepare("COMMIT").run();
    db.close();`;
  const child = spawn(process.execPath, ["-e", script], { cwd: process.cwd(), stdio: ["ignore", "pipe", "inherit"] });
  const locked = new Promise<void>((resolve) => child.stdout!.on("data", () => resolve()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  return { locked, exited };
}

it("waits for a writer that holds the file longer than better-sqlite3's default 5 s", async () => {
  const url = `file:${path.join(dir, "lab.db")}`;
  await applyMigrations(url);
  const holder = holdWriteLock(path.join(dir, "lab.db"), 7_000);
  await holder.locked;
  const started = Date.now();
  await expect(applyMigrations(url)).resolves.toEqual([]); // nothing new to apply, and no SQLITE_BUSY
  expect(Date.now() - started).toBeGreaterThan(5_000); // it did wait for the lock (the test's own precondition)
  expect(await holder.exited).toBe(0);
}, 60_000);
