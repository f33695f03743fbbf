// Server-sent events for one run: a snapshot on connect and on every change, and the worker's progress as
// it comes. Progress arrives through the queue's events; the database is polled as well, so a missed event
// (Redis restarting, say) only delays an update.
import { db } from "@/lib/db";
import { errorResponse, guard } from "@/lib/http/route";
import { subscribeRun } from "@/lib/runs/run-events";
import { runSnapshot } from "@/lib/runs/run-snapshot";
import { FINISHED_STATUSES, RunIdParams, type RunStatus } from "@/lib/schemas/run";

export const dynamic = "force-dynamic";

const POLL_MS = 3_000;
const HEARTBEAT_MS = 15_000;

export async function GET(request: Request, context: { params: Promise<{ id: string }> }) {
  let id: string;
  let first: Awaited<ReturnType<typeof runSnapshot>>;
  try {
    guard(request);
    ({ id } = RunIdParams.parse(await context.params));
    first = await runSnapshot(db(), id);
  } catch (error) {
    return errorResponse(error);
  }

  const encoder = new TextEncoder();
  let cleanup = () => {};
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let closed = false;
      let lastSent = "";
      const send = (event: string, data: unknown) => {
        if (closed) return;
        controller.enqueue(encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
      };
      const sendSnapshot = async (snapshot?: typeof first) => {
        try {
          const s = snapshot ?? (await runSnapshot(db(), id));
          const text = JSON.stringify(s);
          if (text !== lastSent) {
            lastSent = text;
            send("run", s);
          }
          if (FINISHED_STATUSES.includes(s.status as RunStatus)) close();
        } catch {
          // the next poll tries again
        }
      };
      const unsubscribe = subscribeRun(id, (e) => (e.kind === "progress" ? send("progress", e.data) : void sendSnapshot()));
      const poll = setInterval(() => void sendSnapshot(), POLL_MS);
      const heartbeat = setInterval(() => !closed && controller.enqueue(encoder.encode(": keep-alive\n\n")), HEARTBEAT_MS);
      function close() {
        if (closed) return;
        closed = true;
        cleanup();
        try {
          controller.close();
        } catch {}
      }
      cleanup = () => {
        unsubscribe();
        clearInterval(poll);
        clearInterval(heartbeat);
      };
      request.signal.addEventListener("abort", close);
      void sendSnapshot(first);
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(stream, {
    headers: { "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache, no-transform", Connection: "keep-alive", "X-Accel-Buffering": "no" },
  });
}
