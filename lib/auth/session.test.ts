import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

async function load() {
  vi.resetModules();
  return import("./session");
}

describe("sessions and tokens", () => {
  beforeEach(() => {
    vi.stubEnv("LAB_PASSWORD", "correct horse battery");
    vi.stubEnv("LAB_API_TOKENS", "script-token-0123456789abcdef, second-token-0123456789");
  });
  afterEach(() => vi.unstubAllEnvs());

  it("accepts its own session token until it expires, and nothing tampered", async () => {
    const s = await load();
    const token = s.createSessionToken(1_000);
    expect(s.verifySessionToken(token, 2_000)).toBe(true);
    expect(s.verifySessionToken(token, 1_000 + s.SESSION_TTL_MS + 1)).toBe(false);
    const [v, expires, mac] = token.split(".");
    expect(s.verifySessionToken(`${v}.${Number(expires) + 10_000}.${mac}`, 2_000)).toBe(false);
    expect(s.verifySessionToken(`${v}.${expires}.${mac.slice(0, -2)}xx`, 2_000)).toBe(false);
    expect(s.verifySessionToken("v1.99999999999999", 2_000)).toBe(false);
  });

  it("rejects a session signed under another password", async () => {
    const token = (await load()).createSessionToken();
    vi.stubEnv("LAB_PASSWORD", "a different password");
    expect((await load()).verifySessionToken(token)).toBe(false);
  });

  it("authenticates by cookie or bearer token, and nothing else", async () => {
    const s = await load();
    const cookie = `other=1; ${s.SESSION_COOKIE}=${s.createSessionToken()}`;
    expect(s.authenticate(new Headers({ cookie })).ok).toBe(true);
    expect(s.authenticate(new Headers({ authorization: "Bearer second-token-0123456789" }))).toEqual({ ok: true, via: "token" });
    expect(s.authenticate(new Headers({ authorization: "Bearer wrong" })).ok).toBe(false);
    expect(s.authenticate(new Headers()).ok).toBe(false);
    expect(s.passwordMatches("correct horse battery")).toBe(true);
    expect(s.passwordMatches("correct horse")).toBe(false);
  });

  it("is open without LAB_PASSWORD", async () => {
    vi.stubEnv("LAB_PASSWORD", undefined as unknown as string);
    expect((await load()).authenticate(new Headers()).ok).toBe(true);
  });

  it("refuses cross-site state changes and lets same-site ones and scripts through", async () => {
    const { isCrossSite } = await load();
    const url = "http://lab.local:3000/api/experiments";
    expect(isCrossSite("POST", new Headers({ host: "lab.local:3000", origin: "https://evil.example" }), url)).toBe(true);
    expect(isCrossSite("POST", new Headers({ host: "lab.local:3000", "sec-fetch-site": "cross-site" }), url)).toBe(true);
    expect(isCrossSite("POST", new Headers({ host: "lab.local:3000", origin: "http://lab.local:3000", "sec-fetch-site": "same-origin" }), url)).toBe(false);
    expect(isCrossSite("POST", new Headers({ host: "lab.local:3000" }), url)).toBe(false);
    expect(isCrossSite("GET", new Headers({ origin: "https://evil.example" }), url)).toBe(false);
  });
});

describe("listenRefusal", () => {
  it("allows loopback without a password and nothing else", async () => {
    const { listenRefusal } = await import("./listen");
    expect(listenRefusal("127.0.0.1", undefined)).toBeNull();
    expect(listenRefusal("0.0.0.0", undefined)).toMatch(/LAB_PASSWORD/);
    expect(listenRefusal("0.0.0.0", "a password")).toBeNull();
  });
});
