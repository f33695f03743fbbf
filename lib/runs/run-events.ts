// Live run events for server-sent-event streams. Two sources, one fan-out per web process:
//   - the run's changes (status, stages, metric points), which whoever writes them publishes on the run's Redis
//     pub/sub channel (lib/runs/publish-run-delta.ts); one pattern subscription per process receives them all;
//   - the worker's training progress, which travels as BullMQ job progress (jobId = runId) through QueueEvents.
// Pub/sub delivers to whoever listens at the time and keeps nothing: a stream subscribes before it reads the
// snapshot it starts from, so no change falls between the two.
import { EventEmitter } from "node:events";
import { pipelineEvents, runEventsChannel, runEventsPattern, runEventsPublisher, runEventsSubscriber } from "../queue";
import type { RunDelta } from "./run-delta";

export type RunEvent = { kind: "progress"; data: unknown } | { kind: "delta"; delta: RunDelta };

const PUBLISH_WAIT_MS = 500;
type Fanout = { bus: EventEmitter; subscriber: unknown; subscribed: Promise<unknown> };
const holder = globalThis as unknown as { labRunEvents?: Fanout };

function fanout(): Fanout {
  const subscriber = runEventsSubscriber();
  if (holder.labRunEvents?.subscriber === subscriber) return holder.labRunEvents;
  const bus = new EventEmitter();
  bus.setMaxListeners(0);
  const prefix = runEventsChannel("");
  subscriber.on("pmessage", (_pattern: string, channel: string, message: string) => {
    try {
      bus.emit(channel.slice(prefix.length), { kind: "delta", delta: JSON.parse(message) as RunDelta } satisfies RunEvent);
    } catch {} // not ours
  });
  // acknowledged once connected; ioredis subscribes again by itself after a reconnect
  const subscribed = subscriber.psubscribe(runEventsPattern());
  subscribed.catch(() => {});
  const events = pipelineEvents();
  events.on("progress", ({ jobId, data }) => bus.emit(jobId, { kind: "progress", data } satisfies RunEvent));
  events.on("error", () => {}); // reconnects by itself
  holder.labRunEvents = { bus, subscriber, subscribed };
  return holder.labRunEvents;
}

/** Calls `listener` with every event of the run until the returned function is called. */
export function subscribeRun(runId: string, listener: (e: RunEvent) => void): () => void {
  const { bus } = fanout();
  bus.on(runId, listener);
  return () => bus.off(runId, listener);
}

/** Resolves once the process's pattern subscription is active (a stream that starts reading must not miss one). */
export async function runEventsReady(timeoutMs = 5_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  try {
    return await Promise.race([fanout().subscribed.then(() => true, () => false), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Publishes one change of a run. Never throws and waits at most PUBLISH_WAIT_MS for a connection: live updates
 * are a convenience over the database, which stays the record, so Redis being down must not fail a run or a
 * cancel (an open page catches up when it reconnects and reads its snapshot).
 */
export async function publishRunDelta(runId: string, delta: RunDelta): Promise<void> {
  const connection = runEventsPublisher();
  try {
    if (connection.status !== "ready") {
      if (connection.status === "wait" || connection.status === "end") connection.connect().catch(() => {});
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => done(new Error("not connected")), PUBLISH_WAIT_MS);
        const onReady = () => done();
        function done(e?: Error) {
          clearTimeout(timer);
          connection.off("ready", onReady);
          if (e) reject(e);
          else resolve();
        }
        connection.once("ready", onReady);
      });
    }
    await connection.publish(runEventsChannel(runId), JSON.stringify(delta));
  } catch {
    // see above: the database has the change
  }
}
