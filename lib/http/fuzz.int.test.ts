// Property-based: random JSON, wrong types, huge numbers, unknown techniques, impossible pipelines and
// oversized bodies against the API. Every answer is a 4xx with a message — never a 500 — and nothing is written.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as createExperiment } from "../../app/api/experiments/route";
import { GET as listRuns } from "../../app/api/runs/route";
import { GET as getRun } from "../../app/api/runs/[id]/route";
import { POST as cancelRun } from "../../app/api/runs/[id]/cancel/route";
import { GET as getArtifact } from "../../app/api/artifacts/[id]/route";
import { registerSyntheticDataset } from "../../test/fixtures";
import { db } from "../db";
import { closeQueue } from "../queue";
import { CreateExperiment } from "../schemas/experiment";

const RUNS = 60;

async function counts() {
  const [runs, experiments, stages, artifacts] = await Promise.all([db().run.count(), db().experiment.count(), db().stage.count(), db().artifact.count()]);
  return { runs, experiments, stages, artifacts };
}

async function expectClientError(response: Response) {
  expect(response.status).toBeGreaterThanOrEqual(400);
  expect(response.status).toBeLessThan(500);
  const body = await response.json();
  expect(typeof body.error?.message).toBe("string");
  expect(body.error.message.length).toBeGreaterThan(0);
}

const post = (body: string) =>
  createExperiment(new Request("http://lab.test/api/experiments", { method: "POST", headers: { "content-type": "application/json" }, body }));

/** Bodies shaped like the real one, with one part broken: the inputs most likely to slip through. */
const nearlyValid = fc.record(
  {
    name: fc.oneof(fc.string(), fc.constant(""), fc.integer(), fc.constant("x".repeat(500))),
    datasetId: fc.oneof(fc.constant("synthetic"), fc.string(), fc.constant(null)),
    architecture: fc.oneof(fc.constantFrom("bench-cnn", "resnet"), fc.string()),
    training: fc.oneof(
      fc.record({ epochs: fc.oneof(fc.integer(), fc.double(), fc.constant(1e308), fc.string()), batchSize: fc.integer({ min: -5, max: 100_000 }) }, { requiredKeys: [] }),
      fc.anything(),
    ),
    pipeline: fc.oneof(
      fc.array(fc.record({ technique: fc.oneof(fc.constantFrom("baseline", "prune", "quantize", "teleport"), fc.string()), params: fc.anything() })),
      fc.constant([]),
      fc.anything(),
    ),
    seed: fc.oneof(fc.integer(), fc.double(), fc.constant(-1), fc.constant(2 ** 53)),
  },
  { requiredKeys: [] },
);

describe("the API under random input", () => {
  beforeAll(async () => {
    await registerSyntheticDataset(db());
  });
  afterAll(async () => {
    await closeQueue();
    await db().$disconnect();
  });

  it("POST /api/experiments: random JSON and nearly valid bodies → 4xx, nothing written", async () => {
    const before = await counts();
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue(), nearlyValid), async (value) => {
        fc.pre(!CreateExperiment.safeParse(value).success);
        await expectClientError(await post(JSON.stringify(value)));
      }),
      { numRuns: RUNS },
    );
    expect(await counts()).toEqual(before);
  });

  it("POST /api/experiments: malformed, oversized and non-JSON bodies → 4xx", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string(), async (text) => {
        fc.pre((() => { try { JSON.parse(text); return false; } catch { return true; } })());
        await expectClientError(await post(text));
      }),
      { numRuns: RUNS },
    );
    await expectClientError(await post(JSON.stringify({ name: "x".repeat(200_000) })));
    await expectClientError(await createExperiment(new Request("http://lab.test/api/experiments", { method: "POST", body: "name=x", headers: { "content-type": "text/plain" } })));
  });

  it("ids and query strings: random values → 4xx (or 404), never 500", async () => {
    const before = await counts();
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.constantFrom("../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "%00", "a/b", "x".repeat(100))), async (id) => {
        const context = { params: Promise.resolve({ id }) };
        await expectClientError(await getRun(new Request("http://lab.test/api/runs/x"), context));
        await expectClientError(await getArtifact(new Request("http://lab.test/api/artifacts/x"), context));
        await expectClientError(await cancelRun(new Request("http://lab.test/api/runs/x/cancel", { method: "POST" }), context));
      }),
      { numRuns: RUNS },
    );
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom("take", "skip", "status", "sort"), fc.oneof(fc.string(), fc.constant("-1"), fc.constant("1e309"))), async (query) => {
        const response = await listRuns(new Request(`http://lab.test/api/runs?${new URLSearchParams(query)}`));
        expect(response.status).toBeLessThan(500);
      }),
      { numRuns: RUNS },
    );
    expect(await counts()).toEqual(before);
  });
});
