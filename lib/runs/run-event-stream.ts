// One run's server-sent-event stream: the snapshot once, on connect, then what the worker pushes — `status`,
// `stage` and `metrics` deltas (lib/runs/run-delta.ts) and `progress` — until the run is finished. Nothing is
// re-read on a timer but the run's status column: if a pushed change was lost (Redis restarting), that check
// sees the status move and sends a fresh snapshot, so a page is never left behind for good.
import type { Db } from "../db";
import { FINISHED_STATUSES, type RunStatus } from "../schemas/run";
import type { RunColumns } from "./run-delta";
import { runEventsReady, subscribeRun, type RunEvent } from "./run-events";
import { runSnapshot } from "./run-snapshot";

const STATUS_CHECK_MS = 10_000;
const HEARTBEAT_MS = 15_000;
const isFinished = (status: string) => FINISHED_STATUSES.includes(status as RunStatus);

/** The event-stream Response for run `id`; throws (404) before any byte is sent when the run does not exist. */
export async function runEventStream(db: Db, id: string, signal: AbortSignal): Promise<Response> {
  // Subscribe first and hold what arrives: the snapshot read next may or may not contain it (deltas are idempotent).
  const held: RunEvent[] = [];
  let deliver: (e: RunEvent) => void = (e) => held.push(e);
  const unsubscribe = subscribeRun(id, (e) => deliver(e));
  let first: Awaited<ReturnType<typeof runSnapshot>>;
  try {
    await runEventsReady();
    first = await runSnapshot(db, id);
  } catch (error) {
    unsubscribe();
    throw error;
  }

  const encoder = new TextEncoder();
  let cleanup = () => unsubscribe();
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let closed = false;
      let status = first.status;
      const write = (text: string) => {
        if (!closed) controller.enqueue(encoder.encode(text));
      };
      const send = (event: string, data: unknown) => write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      const close = () => {
        if (closed) return;
        closed = true;
        cleanup();
        try {
          controller.close();
        } catch {}
      };
      const onStatus = (next: string) => {
        status = next;
        if (isFinished(next)) close();
      };
      const forward = (e: RunEvent) => {
        if (e.kind === "progress") return send("progress", e.data);
        send(e.delta.type, e.delta.type === "status" ? e.delta.run : e.delta);
        if (e.delta.type === "status") onStatus((e.delta.run as RunColumns).status);
      };
      // The safety net: one indexed read of one column, not the run.
      const check = setInterval(async () => {
        try {
          const row = await db.run.findUnique({ where: { id }, select: { status: true } });
          if (!row || row.status === status) return;
          const snapshot = await runSnapshot(db, id);
          send("run", snapshot);
          onStatus(snapshot.status);
        } catch {} // the next check tries again
      }, STATUS_CHECK_MS);
      const heartbeat = setInterval(() => write(": keep-alive\n\n"), HEARTBEAT_MS);
      cleanup = () => {
        unsubscribe();
        clearInterval(check);
        clearInterval(heartbeat);
      };
      signal.addEventListener("abort", close);

      send("run", first);
      if (isFinished(first.status)) return close();
      deliver = forward;
      for (const e of held.splice(0)) forward(e);
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(stream, {
    headers: { "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache, no-transform", Connection: "keep-alive", "X-Accel-Buffering": "no" },
  });
}
