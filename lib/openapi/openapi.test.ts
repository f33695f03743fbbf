// The OpenAPI document covers every route under app/api (found by walking the directory, so a new route
// cannot be forgotten), every example in it validates against its schema, and the whole document is valid
// OpenAPI 3.1 by an independent validator.
import { readdirSync } from "node:fs";
import path from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { ErrorBody } from "../schemas/error";
import { errorExampleBody, errorsOf, openApiDocument } from "./document";
import { OPERATIONS } from "./operations";

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

function routeFiles(dir = "app/api"): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? routeFiles(path.join(dir, e.name)) : e.name === "route.ts" ? [path.join(dir, e.name)] : [],
  );
}

/** app/api/runs/[id]/route.ts → /api/runs/{id} */
const pathOf = (file: string) => "/" + path.dirname(file).replace(/^app\//, "").replace(/\[(\w+)\]/g, "{$1}");

describe("the OpenAPI document", () => {
  const doc = openApiDocument();

  it("describes every method of every route file, and nothing that does not exist", async () => {
    const served: string[] = [];
    for (const file of routeFiles()) {
      const mod = (await import(/* @vite-ignore */ path.resolve(file))) as Record<string, unknown>;
      for (const m of METHODS) if (typeof mod[m] === "function") served.push(`${m.toLowerCase()} ${pathOf(file)}`);
    }
    expect(served.length).toBeGreaterThanOrEqual(14);
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`));
    expect(served.filter((s) => !documented.includes(s)), "routes missing from lib/openapi/operations.ts").toEqual([]);
    expect(documented.filter((d) => !served.includes(d)), "documented routes that do not exist").toEqual([]);
  });

  it("declares exactly the path template's parameters", () => {
    for (const op of OPERATIONS) {
      const inPath = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(Object.keys(op.params?.shape ?? {}).sort(), op.path).toEqual(inPath);
    }
  });

  it("has examples that validate against their schemas", () => {
    let checked = 0;
    for (const op of OPERATIONS) {
      const where = `${op.method.toUpperCase()} ${op.path}`;
      if (op.body) {
        const r = op.body.schema.safeParse(op.body.example);
        expect(r.success, `${where} request example: ${r.error?.message}`).toBe(true);
        checked++;
      }
      const res = op.response;
      if (res.schema) {
        const r = res.schema.safeParse(res.example);
        expect(r.success, `${where} response example: ${r.error?.message}`).toBe(true);
        checked++;
      }
      for (const e of ("sse" in res ? res.sse : undefined) ?? []) {
        const r = e.schema.safeParse(e.example);
        expect(r.success, `${where} event ${e.event}: ${r.error?.message}`).toBe(true);
        checked++;
      }
      for (const e of errorsOf(op)) {
        expect(ErrorBody.safeParse(errorExampleBody(e)).success, `${where} ${e.code}`).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(40);
  });

  it("is valid OpenAPI 3.1", async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc));
    expect(result.errors ?? [], JSON.stringify(result.errors, null, 2)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("describes a request body from the route's own schema, defaults and limits included", () => {
    const body = (doc.paths["/api/experiments"].post.requestBody as { content: Record<string, { schema: { properties: Record<string, { maxLength?: number }>; required: string[] } }> }).content["application/json"].schema;
    expect(body.required).toEqual(expect.arrayContaining(["name", "datasetId", "architecture"]));
    expect(body.required).not.toContain("pipeline"); // it has a default
    expect(body.properties.name.maxLength).toBe(120);
  });
});

describe("the reference's error examples", () => {
  it("show the 400 each route really answers, for every route that validates input", () => {
    for (const op of OPERATIONS) {
      const bad = errorsOf(op).find((e) => e.code === "bad_request");
      if (op.body || op.params || op.query) expect(bad, `${op.method} ${op.path}`).toBeDefined();
    }
    const create = errorsOf(OPERATIONS.find((o) => o.path === "/api/experiments")!).find((e) => e.code === "bad_request")!;
    expect(create.message).toBe("Invalid request — name: Invalid input: expected string, received undefined (and 2 more)");
    expect(create.issues!.map((i) => i.path.join("."))).toEqual(["name", "datasetId", "architecture"]);
  });
});
