// GET /api/runs/:id/events — follow a run: its snapshot on connect, then the changes the worker pushes (lib/runs/run-event-stream.ts).
import { db } from "@/lib/db";
import { route } from "@/lib/http/route";
import { runEventStream } from "@/lib/runs/run-event-stream";
import { RunIdParams } from "@/lib/schemas/run";

export const dynamic = "force-dynamic";

export const GET = route({ params: RunIdParams }, async ({ params, request }) => runEventStream(db(), params.id, request.signal));
