// Sessions for the optional password: a signed, HTTP-only cookie holding only an expiry, and bearer tokens
// for scripts. Without LAB_PASSWORD the lab is open (it then listens on loopback only; see lib/auth/listen.ts).
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { env } from "../env";

export const SESSION_COOKIE = "lab_session";
export const SESSION_TTL_MS = 7 * 24 * 3600 * 1000;

export const authEnabled = () => Boolean(env().LAB_PASSWORD);

function key(): Buffer {
  const { LAB_SECRET, LAB_PASSWORD } = env();
  return createHash("sha256").update(`compression-lab-session:${LAB_SECRET ?? LAB_PASSWORD ?? ""}`).digest();
}

const sign = (payload: string) => createHmac("sha256", key()).update(payload).digest("base64url");

function equal(a: string, b: string): boolean {
  // Compare digests, so neither the length nor the content of the secret leaks through timing.
  const da = createHash("sha256").update(a).digest();
  const db = createHash("sha256").update(b).digest();
  return timingSafeEqual(da, db);
}

export function createSessionToken(now = Date.now()): string {
  const payload = `v1.${now + SESSION_TTL_MS}`;
  return `${payload}.${sign(payload)}`;
}

export function verifySessionToken(token: string | undefined, now = Date.now()): boolean {
  if (!token) return false;
  const parts = token.split(".");
  if (parts.length !== 3 || parts[0] !== "v1") return false;
  const payload = `${parts[0]}.${parts[1]}`;
  if (!equal(parts[2], sign(payload))) return false;
  const expires = Number(parts[1]);
  return Number.isFinite(expires) && expires > now;
}

export function passwordMatches(candidate: string): boolean {
  const password = env().LAB_PASSWORD;
  return Boolean(password) && equal(candidate, password!);
}

function bearerTokenValid(header: string | null): boolean {
  const tokens = (env().LAB_API_TOKENS ?? "").split(",").map((t) => t.trim()).filter((t) => t.length >= 16);
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  return Boolean(match) && tokens.some((t) => equal(match![1], t));
}

function cookieValue(header: string | null, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return v.join("=");
  }
  return undefined;
}

export type RequestAuth = { ok: true; via: "open" | "session" | "token" } | { ok: false };

/** Who is asking: open lab, a valid session cookie, or a valid API token. */
export function authenticate(headers: Headers): RequestAuth {
  if (!authEnabled()) return { ok: true, via: "open" };
  if (bearerTokenValid(headers.get("authorization"))) return { ok: true, via: "token" };
  if (verifySessionToken(cookieValue(headers.get("cookie"), SESSION_COOKIE))) return { ok: true, via: "session" };
  return { ok: false };
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Cross-site request forgery: a state-changing request that a browser sends from another site carries an
 * Origin (or Sec-Fetch-Site) that is not ours. Scripts send neither and pass; they need a token anyway when
 * authentication is on. Applies with authentication off too: a page on the web must not drive a lab on
 * someone's localhost.
 */
export function isCrossSite(method: string, headers: Headers, requestUrl: string): boolean {
  if (SAFE_METHODS.has(method.toUpperCase())) return false;
  const fetchSite = headers.get("sec-fetch-site");
  if (fetchSite && fetchSite !== "same-origin" && fetchSite !== "none") return true;
  const origin = headers.get("origin");
  if (!origin) return false;
  const host = headers.get("x-forwarded-host") ?? headers.get("host") ?? new URL(requestUrl).host;
  try {
    return new URL(origin).host !== host;
  } catch {
    return true;
  }
}
