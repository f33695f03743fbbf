// The services npm test needs: the Redis and PostgreSQL given, or private ones where none answers at the
// default addresses (a temp folder and a free port each; test/private-*.ts start them, the caller stops them).
// A URL the user set explicitly is never replaced: that it does not answer is an error to report.
import pg from "pg";
import { tsImport } from "tsx/esm/api";
import { freePort, redisAnswers } from "./services.mjs";

const noStop = async () => {};

/** { url, stop, note } of a Redis that answers. */
export async function ensureRedis(url, { explicit = false } = {}) {
  if (await redisAnswers(url)) return { url, stop: noStop, note: `using ${url}` };
  if (explicit) throw new Error(`Redis does not answer at REDIS_URL=${url} (unset it and npm test starts a private redis-server)`);
  const { startPrivateRedis } = await tsImport("../test/private-redis.ts", import.meta.url);
  const redis = await startPrivateRedis(await freePort());
  return { url: redis.url, stop: redis.stop, note: `none at ${url}; started a private redis-server at ${redis.url}` };
}

/** "ok", "no database" (the server answers, the database is missing), or why the server cannot be used. */
async function postgresState(url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  client.on("error", () => {});
  try {
    await client.connect();
    return "ok";
  } catch (e) {
    if (e?.code === "3D000") return "no database";
    return (e instanceof Error && (e.message || e.code)) || "unreachable";
  } finally {
    await client.end().catch(() => {});
  }
}

async function createDatabase(url) {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const server = new URL(url);
  server.pathname = "/postgres";
  const admin = new pg.Client({ connectionString: server.toString() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
  } finally {
    await admin.end();
  }
  return name;
}

/** { url, stop, note } of a PostgreSQL database the integration tests can use. */
export async function ensurePostgres(url, { explicit = false } = {}) {
  const state = await postgresState(url);
  if (state === "ok") return { url, stop: noStop, note: `using ${url}` };
  if (state === "no database") return { url, stop: noStop, note: `created database ${await createDatabase(url)} at ${url}` };
  if (explicit) throw new Error(`PostgreSQL at TEST_POSTGRES_URL=${url} cannot be used (${state}); unset it and npm test starts a private one`);
  const { privatePostgresAvailable, startPrivatePostgres } = await tsImport("../test/private-postgres.ts", import.meta.url);
  if (!privatePostgresAvailable()) throw new Error(`PostgreSQL at ${url} cannot be used (${state}) and Debian's postgresql is not installed`);
  const server = startPrivatePostgres(await freePort());
  return { url: server.url, stop: async () => server.stop(), note: `none usable at ${url} (${state}); started a private server at ${server.url}` };
}
