// The run page's live feed is pushed: a client connected to the event stream receives the metric points,
// stage changes and status the worker (a real worker process) writes, through Redis pub/sub, while the stream
// reads the whole run exactly once — for the snapshot it sends on connect.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as events } from "../../app/api/runs/[id]/events/route";
import { registerSyntheticDataset, startWorkerProcess, type WorkerHandle } from "../../test/fixtures";
import { db } from "../db";
import { createExperiment } from "../experiments/create-experiment";
import { closeQueue } from "../queue";
import { CreateExperiment } from "../schemas/experiment";
import { applyRunDelta, type RunDelta } from "./run-delta";
import { runEventStream } from "./run-event-stream";
import { runSnapshot, type RunSnapshot } from "./run-snapshot";

let worker: WorkerHandle;

type Received = { event: string; data: any; at: number };

/** Reads the stream as it comes (each event timestamped) until the server ends it. */
async function readAll(response: Response): Promise<Received[]> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const out: Received[] = [];
  let buffer = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return out;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (!block.startsWith("event:")) continue; // keep-alive comments
      const [eventLine, dataLine] = block.split("\n");
      out.push({ event: eventLine.slice("event: ".length), data: JSON.parse(dataLine.slice("data: ".length)), at: Date.now() });
    }
  }
}

describe("the run event stream", () => {
  beforeAll(async () => {
    await registerSyntheticDataset(db());
    worker = await startWorkerProcess();
  });
  afterAll(async () => {
    await worker?.stop();
    await closeQueue();
    await db().$disconnect();
  });

  it("answers 404 through route() for a run that does not exist", async () => {
    const res = await events(new Request("http://lab.test/api/runs/nope/events"), { params: Promise.resolve({ id: "nope" }) });
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe("not_found");
  });

  it("pushes the worker's metric points, stages and status after one snapshot", async () => {
    const input = CreateExperiment.parse({
      name: "pushed events", datasetId: "synthetic", architecture: "small-cnn", training: { epochs: 2, batchSize: 64 }, seed: 21,
      pipeline: [{ technique: "baseline" }, { technique: "quantize", params: { mode: "ptq", calibrationImages: 32 } }],
    });
    const { runId } = await createExperiment(db(), input);

    // Count every read of the whole run (the snapshot's query includes the run's relations).
    let wholeRunReads = 0;
    const counting = db().$extends({
      query: {
        run: {
          async findUnique({ args, query }) {
            if (args.include) wholeRunReads++;
            return query(args);
          },
        },
      },
    }) as unknown as ReturnType<typeof db>;
    const received = await readAll(await runEventStream(counting, runId, new AbortController().signal));

    expect(wholeRunReads, received.map((e) => e.event).join(" ")).toBe(1);
    expect(received.filter((e) => e.event === "run")).toHaveLength(1);
    expect(received[0].event).toBe("run");
    const metricEvents = received.filter((e) => e.event === "metrics");
    expect(metricEvents.length, worker.output()).toBeGreaterThanOrEqual(2); // one per baseline epoch at least

    // A pushed metric point is the row the worker wrote, and it arrived while the run was still going.
    const final = await db().run.findUniqueOrThrow({ where: { id: runId }, include: { metrics: true } });
    expect(final.status, worker.output()).toBe("succeeded");
    const firstLoss = metricEvents[0].data.metrics.find((m: { name: string }) => m.name === "loss");
    expect(final.metrics.find((m) => m.id === firstLoss.id)?.value).toBe(firstLoss.value);
    const end = received.at(-1)!;
    expect(end.event).toBe("status");
    expect(end.data.status).toBe("succeeded");
    expect(metricEvents[0].at).toBeLessThan(end.at);
    expect(received.some((e) => e.event === "stage" && e.data.stage.index === 1 && e.data.stage.status === "running")).toBe(true);

    // Folding the deltas into the connect-time snapshot gives the run as the database has it now.
    let page = received[0].data as RunSnapshot;
    for (const e of received.slice(1)) {
      if (e.event === "status") page = applyRunDelta(page, { type: "status", run: e.data });
      else if (e.event === "stage" || e.event === "metrics") page = applyRunDelta(page, e.data as RunDelta);
    }
    const now = await runSnapshot(db(), runId);
    expect(page.status).toBe(now.status);
    expect(page.finishedAt).toBe(now.finishedAt);
    expect(page.stages).toEqual(now.stages);
    expect(page.artifacts).toEqual(now.artifacts);
    const byId = (m: { id: number }[]) => [...m].sort((a, b) => a.id - b.id);
    expect(byId(page.metrics)).toEqual(byId(now.metrics));
  });
});
