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
