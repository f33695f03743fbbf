// docker-compose.yml must stay valid although no Docker engine runs here: `config -q` checks it without one.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

function composeCommand(): string[] | null {
  if (spawnSync("docker", ["compose", "version"], { stdio: "ignore" }).status === 0) return ["docker", "compose"];
  if (spawnSync("docker-compose", ["version"], { stdio: "ignore" }).status === 0) return ["docker-compose"];
  return null;
}

describe("docker-compose.yml", () => {
  it("passes `compose config -q`", () => {
    const compose = composeCommand();
    expect(compose, "install Docker's compose plugin or Debian's docker-compose").not.toBeNull();
    const [cmd, ...args] = compose!;
    const r = spawnSync(cmd, [...args, "config", "-q"], { encoding: "utf8", env: { ...process.env, LAB_PASSWORD: "compose-test-password" } });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it("refuses to configure the web app without a password", () => {
    const [cmd, ...args] = composeCommand()!;
    const env = { ...process.env };
    delete env.LAB_PASSWORD;
    const r = spawnSync(cmd, [...args, "config", "-q"], { encoding: "utf8", env });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/LAB_PASSWORD/);
  });

  it("runs web, worker, postgres and redis, with the app on PostgreSQL and Redis", () => {
    const text = readFileSync("docker-compose.yml", "utf8");
    for (const service of ["web:", "worker:", "postgres:", "redis:"]) expect(text).toContain(`\n  ${service}`);
    expect(text).toMatch(/DATABASE_URL: postgresql:\/\//);
    expect(text).toMatch(/REDIS_URL: redis:\/\/redis:6379/);
  });
});
