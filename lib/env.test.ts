import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";

describe("env()", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it("applies the embedded defaults", async () => {
    vi.stubEnv("DATABASE_URL", "");
    vi.stubEnv("DATABASE_URL", undefined as unknown as string);
    const { env } = await import("./env");
    expect(env().REDIS_URL).toMatch(/^redis:\/\//);
    expect(env().WORKER_CONCURRENCY).toBeGreaterThanOrEqual(1);
  });

  it("names each bad variable", async () => {
    vi.stubEnv("DATABASE_URL", "mysql://x");
    vi.stubEnv("WORKER_CONCURRENCY", "lots");
    const { env } = await import("./env");
    expect(() => env()).toThrow(/DATABASE_URL: must start with file: .*WORKER_CONCURRENCY/);
  });
});

describe("the settings", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("sees a variable changed after the first read (scripts and tests set them), and checks it", async () => {
    const { env } = await import("./env");
    vi.stubEnv("DATASET_UPLOAD_MAX_BYTES", "100");
    expect(env().DATASET_UPLOAD_MAX_BYTES).toBe(100);
    vi.stubEnv("DATASET_UPLOAD_MAX_BYTES", "a lot");
    expect(() => env()).toThrow(/DATASET_UPLOAD_MAX_BYTES: /);
  });

  it("splits DATASET_ROOTS on the path delimiter and forgives LAB_BACKEND's case", async () => {
    const { env } = await import("./env");
    vi.stubEnv("DATASET_ROOTS", ["/srv/a", "", "/srv/b"].join(path.delimiter));
    vi.stubEnv("LAB_BACKEND", " WASM ");
    expect(env().DATASET_ROOTS).toEqual(["/srv/a", "/srv/b"]);
    expect(env().LAB_BACKEND).toBe("wasm");
    vi.stubEnv("LAB_BACKEND", "gpu");
    expect(() => env()).toThrow(/LAB_BACKEND: .*"onednn"/);
  });

  it("gives a child this environment with changes, undefined removing a variable", async () => {
    const { childEnv } = await import("./env");
    vi.stubEnv("LAB_PASSWORD", "a secret password");
    const child = childEnv({ LAB_PASSWORD: undefined, NEXT_TELEMETRY_DISABLED: "1" });
    expect(child).not.toHaveProperty("LAB_PASSWORD");
    expect(child.NEXT_TELEMETRY_DISABLED).toBe("1");
    expect(child.PATH).toBe(process.env.PATH);
    expect(process.env.LAB_PASSWORD).toBe("a secret password");
  });

  it("are exactly the README's configuration tables, with the same defaults", async () => {
    const { Env } = await import("./env");
    // Rows of every table whose first header is "variable": | `A`, `B` | `default a`, `default b` | meaning |
    const documented = new Map<string, string>();
    let inTable = false;
    let hasDefault = false;
    for (const line of readFileSync("README.md", "utf8").split("\n")) {
      if (/^\| variable \|/.test(line)) {
        inTable = true;
        hasDefault = /^\| variable \| default \|/.test(line);
        continue;
      }
      if (!line.startsWith("|")) inTable = false;
      if (!inTable || line.startsWith("| ---")) continue;
      const cells = line.split("|").slice(1, -1).map((c) => c.trim());
      const names = [...cells[0].matchAll(/`([A-Z0-9_]+)`/g)].map((m) => m[1]);
      const defaults = hasDefault ? cells[1].split(/,\s*/).map((d) => d.match(/^`([^`]*)`/)?.[1] ?? "—") : names.map(() => "—");
      names.forEach((name, i) => documented.set(name, defaults[i]));
    }
    const parsed = Env.parse({}) as Record<string, unknown>;
    const actual = new Map(Object.keys(Env.shape).map((name) => {
      const value = parsed[name];
      return [name, value === undefined || (Array.isArray(value) && value.length === 0) ? "—" : String(value)];
    }));
    expect(Object.fromEntries(documented)).toEqual(Object.fromEntries(actual));
  });
});

describe("process.env", () => {
  // The test harness sets up services and the environment tests run in; everything else asks env().
  const HARNESS = new Set(["scripts/test.mjs", "scripts/test-services.mjs", "lib/compress/test-util.ts"]);

  function sources(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const file = path.join(dir, e.name);
      if (e.isDirectory()) return file === path.join("lib", "generated") || e.name === "node_modules" ? [] : sources(file);
      return /\.(ts|tsx|mts|mjs|js)$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [file] : [];
    });
  }

  it("is read by lib/env.ts alone (and the test harness)", () => {
    const readers = ["lib", "app", "workers", "scripts"]
      .flatMap((dir) => sources(dir))
      .filter((file) => file !== path.join("lib", "env.ts") && !HARNESS.has(file))
      .filter((file) => readFileSync(file, "utf8").includes("process.env"));
    expect(readers).toEqual([]);
  });
});
