// A test run's queue keys in Redis: BullMQ keeps a prefix's completed and failed jobs, its events and its meta
// after the run, so each run of the suite deletes its own, and the ones a killed run left behind.
import { Redis } from "ioredis";
import { processAlive } from "./process-alive";

const redisUrl = () => process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** Deletes every key under `prefix:`. */
export async function clearQueue(prefix: string) {
  const redis = new Redis(redisUrl());
  try {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

/** Deletes the keys of every `${base}-<pid>` prefix whose test process is gone (a run killed before its clean-up). */
export async function clearDeadQueues(base: string) {
  const redis = new Redis(redisUrl());
  let prefixes: string[];
  try {
    prefixes = [...new Set((await redis.keys(`${base}-*`)).map((k) => k.split(":")[0]))];
  } finally {
    redis.disconnect();
  }
  for (const prefix of prefixes) {
    const pid = Number(prefix.slice(base.length + 1));
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && !processAlive(pid)) await clearQueue(prefix);
  }
}
