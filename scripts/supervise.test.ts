// The worker's supervisor: back-off between restarts, and restarts of a real child process that dies.
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { BACKOFF, describeExit, restartDelay, supervise } from "./supervise.mjs";

describe("restartDelay", () => {
  it("waits 1 s after a first crash, doubles up to 30 s, and starts again at 1 s after a child lived a minute", () => {
    const waits: number[] = [];
    let wait = 0;
    for (let i = 0; i < 8; i++) waits.push((wait = restartDelay(wait, 500)));
    expect(waits).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
    expect(restartDelay(30_000, BACKOFF.healthyAfterMs)).toBe(1_000);
    expect(restartDelay(30_000, BACKOFF.healthyAfterMs - 1)).toBe(30_000);
  });

  it("says how a child ended", () => {
    expect(describeExit(null, "SIGKILL")).toBe("killed by SIGKILL");
    expect(describeExit(137, null)).toBe("exit code 137");
  });
});

describe("supervise", () => {
  const backoff = { firstMs: 50, maxMs: 200, healthyAfterMs: 60_000 };

  it("restarts a child that dies, logging why, until stopped", async () => {
    const lines: string[] = [];
    const pids: number[] = [];
    const sup = supervise("sleeper", () => {
      const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
      child.on("spawn", () => pids.push(child.pid!));
      return child;
    }, { backoff, log: (line: string) => lines.push(line) });
    const until = async (ok: () => boolean) => {
      for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 25));
      expect(ok()).toBe(true);
    };
    await until(() => pids.length === 1);
    process.kill(pids[0], "SIGKILL");
    await until(() => pids.length === 2);
    expect(pids[1]).not.toBe(pids[0]);
    expect(lines).toContain("sleeper died (killed by SIGKILL); restarting in 0.05s");
    await sup.stop();
    await new Promise((r) => setTimeout(r, 150));
    expect(pids).toHaveLength(2); // stopped: no restart after the stop's own SIGTERM
    expect(() => process.kill(pids[1], 0)).toThrow();
  });

  it("treats a child that cannot be spawned as dead, and keeps trying with back-off", async () => {
    const lines: string[] = [];
    const sup = supervise("missing", () => spawn("/nonexistent/program", [], { stdio: "ignore" }), { backoff, log: (line: string) => lines.push(line) });
    await new Promise((r) => setTimeout(r, 300));
    await sup.stop();
    const deaths = lines.filter((l) => l.startsWith("missing died (could not start: spawn /nonexistent/program ENOENT)"));
    expect(deaths.length).toBeGreaterThanOrEqual(2);
    expect(deaths[0]).toMatch(/restarting in 0.05s$/);
    expect(deaths[1]).toMatch(/restarting in 0.1s$/);
  });
});
