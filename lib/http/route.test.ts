import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError } from "../errors";
import { route } from "./route";

const Body = z.object({ name: z.string().min(1), epochs: z.number().int().max(10) }).strict();
const handler = route({ body: Body, status: 201 }, async ({ body }) => ({ ok: true, name: body.name }));
const post = (body: string, headers: Record<string, string> = { "content-type": "application/json" }) =>
  handler(new Request("http://lab.test/api/x", { method: "POST", body, headers }));

describe("route()", () => {
  it("answers with the handler's result and status", async () => {
    const res = await post(JSON.stringify({ name: "a", epochs: 1 }));
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ ok: true, name: "a" });
  });

  it("answers 400 with field issues for a body that fails the schema", async () => {
    const res = await post(JSON.stringify({ name: "", epochs: 99, extra: 1 }));
    expect(res.status).toBe(400);
    const { error } = await res.json();
    expect(error.code).toBe("bad_request");
    const paths = error.issues.map((i: { path: string[] }) => i.path.join("."));
    expect(paths).toEqual(expect.arrayContaining(["name", "epochs"]));
  });

  it("answers 400 for malformed JSON, 415 for other content types, 413 for oversized bodies", async () => {
    expect((await post("{not json")).status).toBe(400);
    expect((await post("name=a", { "content-type": "application/x-www-form-urlencoded" })).status).toBe(415);
    expect((await post(JSON.stringify({ name: "x".repeat(70_000), epochs: 1 }))).status).toBe(413);
  });

  it("maps AppError to its status and hides unexpected errors behind a 500", async () => {
    const conflict = route({}, async () => {
      throw new AppError("conflict", "already done");
    });
    const boom = route({}, async () => {
      throw new Error("secret internals");
    });
    const a = await conflict(new Request("http://lab.test/"));
    expect(a.status).toBe(409);
    expect((await a.json()).error.message).toBe("already done");
    const original = console.error;
    console.error = () => {};
    const b = await boom(new Request("http://lab.test/"));
    console.error = original;
    expect(b.status).toBe(500);
    expect(JSON.stringify(await b.json())).not.toContain("secret internals");
  });
});

describe("route() guards", () => {
  const open = route({}, async () => ({ ok: true }));
  it("answers 409 to a unique constraint lost to a concurrent request (Prisma P2002)", async () => {
    const taken = route({}, async () => {
      throw Object.assign(new Error("Unique constraint failed on the fields: (`id`)"), { code: "P2002" });
    });
    const res = await taken(new Request("http://lab.test/"));
    expect(res.status).toBe(409);
    expect((await res.json()).error.code).toBe("conflict");
  });

  it("answers 421 to a Host it does not serve (DNS rebinding) and serves loopback names on any port", async () => {
    for (const host of ["127.0.0.1:3000", "localhost", "LOCALHOST:8080", "[::1]:3000", "localhost."]) {
      expect((await open(new Request("http://lab.test/", { headers: { host } }))).status, host).toBe(200);
    }
    for (const host of ["evil.example", "evil.example:3000", "localhost.evil.example", "127.0.0.1.nip.io", "localhost:3000@evil", ""]) {
      const res = await open(new Request("http://lab.test/", { headers: { host } }));
      expect(res.status, host).toBe(421);
      expect((await res.json()).error.message).toMatch(/LAB_ALLOWED_HOSTS/);
    }
    // A rebound page can set X-Forwarded-Host itself; it is checked too.
    expect((await open(new Request("http://lab.test/", { headers: { host: "localhost:3000", "x-forwarded-host": "evil.example" } }))).status).toBe(421);
  });
});
