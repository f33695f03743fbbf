// Every API route — found by walking app/api, so a new one is covered without editing this file — gets
// random bodies, query strings and path ids: no answer is a 500, and nothing is written.
import { readdirSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "../db";
import { closeQueue } from "../queue";

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
type Handler = (r: Request, c: { params: Promise<Record<string, string>> }) => Promise<Response>;

function routeFiles(dir = "app/api"): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? routeFiles(path.join(dir, e.name)) : e.name === "route.ts" ? [path.join(dir, e.name)] : [],
  );
}

async function rowCounts() {
  const d = db();
  return Promise.all([d.run.count(), d.experiment.count(), d.stage.count(), d.artifact.count(), d.dataset.count(), d.metricPoint.count()]);
}

/** Bodies a client might send by mistake or on purpose. */
const body = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string(),
  fc.constant(""),
  fc.constant("{".repeat(10_000)),
  fc.record({ name: fc.string(), location: fc.oneof(fc.string(), fc.constant("../../etc/passwd"), fc.constant("/etc")), kind: fc.string(), password: fc.string() }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
);
const query = fc.dictionary(fc.constantFrom("take", "skip", "page", "pageSize", "status", "sort", "dir", "format", "runs", "q", "technique"), fc.oneof(fc.string(), fc.constantFrom("-1", "1e309", "NaN", "../x")));
const id = fc.oneof(fc.string(), fc.constantFrom("../../etc/passwd", "%2e%2e%2f", "x".repeat(200)));

describe("every API route under random input", () => {
  afterAll(async () => {
    await closeQueue();
    await db().$disconnect();
  });

  for (const file of routeFiles()) {
    it(`${file}: never 500, writes nothing`, async () => {
      const mod = (await import(/* @vite-ignore */ path.resolve(file))) as Partial<Record<(typeof METHODS)[number], Handler>>;
      const before = await rowCounts();
      for (const method of METHODS) {
        const handler = mod[method];
        if (!handler) continue;
        await fc.assert(
          fc.asyncProperty(body, query, id, async (text, q, pathId) => {
            const url = `http://lab.test/${path.dirname(file).replace(/^app\//, "")}?${new URLSearchParams(q)}`;
            const init: RequestInit = method === "GET" ? {} : { method, body: text, headers: { "content-type": "application/json" } };
            const response = await handler(new Request(url, init), { params: Promise.resolve({ id: pathId }) });
            expect(response.status, `${method} ${url} ${text.slice(0, 80)}`).toBeLessThan(500);
            await response.body?.cancel();
          }),
          { numRuns: 25 },
        );
      }
      expect(await rowCounts()).toEqual(before);
    });
  }
});
