// With the queue unreachable, a submit answers 503 and leaves no run behind.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

process.env.REDIS_URL = "redis://127.0.0.1:1"; // nothing listens on port 1
const { POST } = await import("../../app/api/experiments/route");
const { POST: postSweep } = await import("../../app/api/sweeps/route");
const { db } = await import("../db");
const { closeQueue } = await import("../queue");
const { registerSyntheticDataset } = await import("../../test/fixtures");

describe("POST /api/experiments while Redis is down", () => {
  beforeAll(async () => {
    await registerSyntheticDataset(db());
  });
  afterAll(async () => {
    await closeQueue();
    await db().$disconnect();
  });

  it("answers 503 with a clear message and creates no orphan run", async () => {
    const runs = await db().run.count();
    const experiments = await db().experiment.count();
    const res = await POST(
      new Request("http://lab.test/api/experiments", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "no redis", datasetId: "synthetic", architecture: "small-cnn" }),
      }),
    );
    expect(res.status).toBe(503);
    expect((await res.json()).error.message).toMatch(/Redis/);
    expect(await db().run.count()).toBe(runs);
    expect(await db().experiment.count()).toBe(experiments);
  });

  it("answers 503 to a sweep and keeps none of its rows", async () => {
    const before = await Promise.all([db().run.count(), db().experiment.count(), db().sweep.count()]);
    const res = await postSweep(
      new Request("http://lab.test/api/sweeps", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ base: { name: "no redis sweep", datasetId: "synthetic", architecture: "small-cnn" }, method: "grid", parameters: { "training.epochs": { values: [1, 2] } }, maxRuns: 2 }),
      }),
    );
    expect(res.status).toBe(503);
    expect((await res.json()).error.message).toMatch(/Redis/);
    expect(await Promise.all([db().run.count(), db().experiment.count(), db().sweep.count()])).toEqual(before);
  });
});
