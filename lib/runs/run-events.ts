// Live run events for server-sent-event streams: one BullMQ QueueEvents listener per web process fans out
// to every open stream of the run a job belongs to (jobId = runId).
import { EventEmitter } from "node:events";
import { pipelineEvents } from "../queue";

export type RunEvent = { kind: "progress"; data: unknown } | { kind: "changed" };

const holder = globalThis as unknown as { labRunEvents?: EventEmitter };

function emitter(): EventEmitter {
  if (holder.labRunEvents) return holder.labRunEvents;
  const bus = new EventEmitter();
  bus.setMaxListeners(0);
  const events = pipelineEvents();
  events.on("progress", ({ jobId, data }) => bus.emit(jobId, { kind: "progress", data } satisfies RunEvent));
  for (const name of ["active", "completed", "failed", "waiting", "retries-exhausted", "stalled"] as const) {
    events.on(name, ({ jobId }: { jobId: string }) => bus.emit(jobId, { kind: "changed" } satisfies RunEvent));
  }
  events.on("error", () => {}); // reconnects by itself; streams fall back to polling the database meanwhile
  holder.labRunEvents = bus;
  return bus;
}

export function subscribeRun(runId: string, listener: (e: RunEvent) => void): () => void {
  const bus = emitter();
  bus.on(runId, listener);
  return () => bus.off(runId, listener);
}
