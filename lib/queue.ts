// The queue contract, in one file: the queue's name, its payload, the connections and the enqueue helper.
// Payloads carry the run id only; the database row is the record and the queue is transport.
import { Queue, QueueEvents, type JobsOptions } from "bullmq";
import { Redis, type RedisOptions } from "ioredis";
import { z } from "zod";
import { AppError } from "./errors";
import { env } from "./env";

export const QueueName = { Pipeline: "run-pipeline" } as const;
export const PipelineJob = z.object({ runId: z.string().min(1) });
export type PipelineJob = z.infer<typeof PipelineJob>;

/** Attempts per run: a crashed or killed worker's job is retried (and resumes from its last stage). */
export const RUN_ATTEMPTS = 3;

const jobOptions: JobsOptions = {
  attempts: RUN_ATTEMPTS,
  backoff: { type: "exponential", delay: 2_000 },
  removeOnComplete: { age: 7 * 24 * 3600 },
  removeOnFail: { age: 30 * 24 * 3600 },
};

/**
 * A Redis connection. Workers and event listeners block and must retry forever (`maxRetriesPerRequest: null`,
 * as BullMQ requires); a producer must fail fast instead, so that a submit answers 503 rather than hang.
 */
export function redisConnection(role: "producer" | "consumer"): Redis {
  const options: RedisOptions =
    role === "producer"
      ? { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000, lazyConnect: true }
      : { maxRetriesPerRequest: null };
  const connection = new Redis(env().REDIS_URL, options);
  connection.on("error", () => {}); // reconnection is automatic; failures surface where a command is made
  return connection;
}

const holder = globalThis as unknown as {
  labQueue?: Queue; labQueueConnection?: Redis; labQueueEvents?: QueueEvents; labQueueReady?: Promise<void>;
  labRunPublisher?: Redis; labRunSubscriber?: Redis;
};

function producerConnection(): Redis {
  holder.labQueueConnection ??= redisConnection("producer");
  return holder.labQueueConnection;
}

export function pipelineQueue(): Queue<PipelineJob> {
  holder.labQueue ??= new Queue(QueueName.Pipeline, { connection: producerConnection(), prefix: env().QUEUE_PREFIX });
  return holder.labQueue as Queue<PipelineJob>;
}

/** Resolves once the producer connection is ready, or throws 503 — Redis being down is not the user's fault. */
async function ensureRedis(timeoutMs = 2_000): Promise<void> {
  const connection = producerConnection();
  if (connection.status === "ready") return;
  if (connection.status === "wait" || connection.status === "end") connection.connect().catch(() => {});
  // One pending wait shared by every concurrent submit (not a listener each).
  holder.labQueueReady ??= new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => done(new AppError("unavailable", "The job queue (Redis) is not reachable; nothing was queued. Try again shortly.")), timeoutMs);
    const onReady = () => done();
    function done(error?: Error) {
      clearTimeout(timer);
      connection.off("ready", onReady);
      holder.labQueueReady = undefined;
      if (error) reject(error);
      else resolve();
    }
    connection.once("ready", onReady);
  });
  return holder.labQueueReady;
}

/** Queues a run; `jobId = runId` makes a double submit one job. Throws AppError(unavailable) when Redis is down. */
export async function enqueueRun(runId: string): Promise<void> {
  await ensureRedis();
  try {
    await pipelineQueue().add("run", { runId }, { ...jobOptions, jobId: runId });
  } catch (e) {
    throw new AppError("unavailable", `The job queue (Redis) refused the run: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Queues many runs in one Redis transaction (addBulk): a sweep is queued whole or not at all. */
export async function enqueueRuns(runIds: readonly string[]): Promise<void> {
  await ensureRedis();
  try {
    await pipelineQueue().addBulk(runIds.map((runId) => ({ name: "run", data: { runId }, opts: { ...jobOptions, jobId: runId } })));
  } catch (e) {
    throw new AppError("unavailable", `The job queue (Redis) refused the runs: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** One QueueEvents listener per web process, shared by every server-sent-event stream. */
export function pipelineEvents(): QueueEvents {
  holder.labQueueEvents ??= new QueueEvents(QueueName.Pipeline, { connection: redisConnection("consumer"), prefix: env().QUEUE_PREFIX });
  return holder.labQueueEvents;
}

/** The pub/sub channel of one run's changes (lib/runs/run-events.ts), under the queue's prefix. */
export const runEventsChannel = (runId: string) => `${env().QUEUE_PREFIX}:run-events:${runId}`;
export const runEventsPattern = () => `${env().QUEUE_PREFIX}:run-events:*`;

/** The connection run changes are published on (worker and web: a cancel publishes too); fails fast like a producer. */
export function runEventsPublisher(): Redis {
  holder.labRunPublisher ??= redisConnection("producer");
  return holder.labRunPublisher;
}

/** One subscriber connection per web process; a subscribed connection can do nothing else, hence its own. */
export function runEventsSubscriber(): Redis {
  holder.labRunSubscriber ??= redisConnection("consumer");
  return holder.labRunSubscriber;
}

export async function closeQueue(): Promise<void> {
  await holder.labQueue?.close();
  await holder.labQueueEvents?.close();
  holder.labQueueConnection?.disconnect();
  holder.labRunPublisher?.disconnect();
  holder.labRunSubscriber?.disconnect();
  holder.labQueue = holder.labQueueEvents = holder.labQueueConnection = holder.labRunPublisher = holder.labRunSubscriber = undefined;
}
