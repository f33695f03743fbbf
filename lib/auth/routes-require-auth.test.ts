// With authentication on, every API route — found by walking app/api, so a new one cannot be forgotten —
// answers 401 to an anonymous request, and 403 to a cross-site one; pages redirect to /login.
import { readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const PUBLIC = new Set(["app/api/auth/login/route.ts", "app/api/auth/logout/route.ts"]);
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

function routeFiles(dir = "app/api"): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? routeFiles(path.join(dir, e.name)) : e.name === "route.ts" ? [path.join(dir, e.name)] : [],
  );
}

function urlFor(file: string): string {
  return "http://lab.test/" + path.dirname(file).replace(/^app\//, "").replace(/\[(\w+)\]/g, "x1");
}

describe("with LAB_PASSWORD set", () => {
  beforeAll(() => {
    vi.stubEnv("LAB_PASSWORD", "route-test-password");
    vi.resetModules();
  });
  afterAll(() => vi.unstubAllEnvs());

  const files = routeFiles().filter((f) => !PUBLIC.has(f));
  it("finds the API routes", () => expect(files.length).toBeGreaterThanOrEqual(6));

  for (const file of files) {
    it(`${file}: anonymous → 401, cross-site → 403`, async () => {
      const mod = (await import(/* @vite-ignore */ path.resolve(file))) as Record<string, (r: Request, c: unknown) => Promise<Response>>;
      const context = { params: Promise.resolve({ id: "x1" }) };
      const methods = METHODS.filter((m) => typeof mod[m] === "function");
      expect(methods.length).toBeGreaterThan(0);
      for (const method of methods) {
        const body = method === "GET" ? undefined : "{}";
        const anonymous = await mod[method](new Request(urlFor(file), { method, body, headers: { "content-type": "application/json" } }), context);
        expect(anonymous.status, `${method} ${file}`).toBe(401);
        if (method !== "GET") {
          const crossSite = await mod[method](new Request(urlFor(file), { method, body, headers: { "content-type": "application/json", origin: "https://evil.example", host: "lab.test" } }), context);
          expect(crossSite.status, `${method} ${file} cross-site`).toBe(403);
        }
      }
    });
  }

  it("proxy: pages redirect to /login, login stays reachable; the API is left to the routes (tested above)", async () => {
    const { proxy, config } = await import("../../proxy");
    const runsThroughProxy = (p: string) => config.matcher.some((m) => new RegExp(`^${m}$`).test(p));
    expect(["/", "/runs/abc", "/compare", "/login"].every(runsThroughProxy)).toBe(true);
    expect(["/api/runs", "/api/artifacts/abc", "/api/datasets/upload", "/_next/static/x.js"].some(runsThroughProxy)).toBe(false);
    const { NextRequest } = await import("next/server");
    const page = proxy(new NextRequest("http://lab.test/runs/abc?x=1"));
    expect(page.status).toBe(307);
    expect(page.headers.get("location")).toBe("http://lab.test/login?next=%2Fruns%2Fabc%3Fx%3D1");
    expect(proxy(new NextRequest("http://lab.test/login")).headers.get("x-middleware-next")).toBe("1");
  });
});
