// npm test's services: where nothing answers at the default addresses it starts a private redis-server and a
// private PostgreSQL (real binaries, free ports) and stops them; a database missing on a server that answers is
// created; a URL set explicitly is used or reported, never replaced.
import pg from "pg";
import { describe, expect, it } from "vitest";
import { freePort, redisAnswers } from "./services.mjs";
import { ensurePostgres, ensureRedis } from "./test-services.mjs";

const SHARED_POSTGRES = process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/test";

async function selectOne(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  client.on("error", () => {});
  try {
    await client.connect();
    return (await client.query("SELECT 1 AS one")).rows[0].one;
  } finally {
    await client.end().catch(() => {});
  }
}

describe("npm test's Redis", () => {
  it("uses the one that answers", async () => {
    const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
    const redis = await ensureRedis(url);
    expect(redis.url).toBe(url);
    expect(redis.note).toBe(`using ${url}`);
  });

  it("starts a private redis-server where none answers at the default address, and stops it", async () => {
    const nothing = `redis://127.0.0.1:${await freePort()}`;
    const redis = await ensureRedis(nothing);
    expect(redis.url).not.toBe(nothing);
    expect(redis.note).toMatch(/started a private redis-server/);
    expect(await redisAnswers(redis.url)).toBe(true);
    await redis.stop();
    expect(await redisAnswers(redis.url)).toBe(false);
  });

  it("reports an explicit REDIS_URL that does not answer instead of replacing it", async () => {
    await expect(ensureRedis(`redis://127.0.0.1:${await freePort()}`, { explicit: true })).rejects.toThrow(/Redis does not answer at REDIS_URL=/);
  });
});

describe("npm test's PostgreSQL", () => {
  it("starts a private server where none answers at the default address, and stops it", async () => {
    const nothing = `postgresql://postgres@127.0.0.1:${await freePort()}/test`;
    const server = await ensurePostgres(nothing);
    try {
      expect(server.url).not.toBe(nothing);
      expect(server.note).toMatch(/started a private server/);
      expect(await selectOne(server.url)).toBe(1);
    } finally {
      await server.stop();
    }
    await expect(selectOne(server.url)).rejects.toThrow();
  }, 120_000);

  it("creates the database when the server answers but the database does not exist", async () => {
    const missing = Object.assign(new URL(SHARED_POSTGRES), { pathname: `/lab_created_${process.pid}` }).toString();
    const db = await ensurePostgres(missing);
    try {
      expect(db.url).toBe(missing);
      expect(db.note).toMatch(/^created database lab_created_/);
      expect(await selectOne(missing)).toBe(1);
    } finally {
      const admin = new pg.Client({ connectionString: Object.assign(new URL(SHARED_POSTGRES), { pathname: "/postgres" }).toString() });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS lab_created_${process.pid}`);
      await admin.end();
    }
  });

  it("reports an explicit TEST_POSTGRES_URL that cannot be used instead of replacing it", async () => {
    await expect(ensurePostgres(`postgresql://postgres@127.0.0.1:${await freePort()}/test`, { explicit: true })).rejects.toThrow(/cannot be used/);
  });
});
