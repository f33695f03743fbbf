import { clientOf, loginThrottle } from "@/lib/auth/login-throttle";
import { createSessionToken, passwordMatches, SESSION_COOKIE, SESSION_TTL_MS, authEnabled } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { json, route } from "@/lib/http/route";
import { Login } from "@/lib/schemas/auth";

/** Exchange the lab's password for a session cookie (HTTP-only, SameSite=Lax, 7 days); throttled on failures. */
export const POST = route({ body: Login, public: true, maxBodyBytes: 4_096 }, async ({ body, request }) => {
  if (!authEnabled()) return json({ ok: true, auth: "off" });
  const throttle = loginThrottle();
  const client = clientOf(request.headers);
  const waitMs = throttle.waitMs(client);
  if (waitMs > 0) {
    const seconds = Math.ceil(waitMs / 1000);
    return json({ error: { code: "too_many_requests", message: `Too many wrong passwords; try again in ${seconds} s` } }, 429, { "Retry-After": String(seconds) });
  }
  if (!passwordMatches(body.password)) {
    const failures = throttle.fail(client);
    console.warn(`[auth] wrong password from ${client} (${failures} in a row)`);
    throw new AppError("unauthorized", "Wrong password");
  }
  throttle.succeed(client);
  const secure = new URL(request.url).protocol === "https:" ? "; Secure" : "";
  return json({ ok: true }, 200, {
    "Set-Cookie": `${SESSION_COOKIE}=${createSessionToken()}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${SESSION_TTL_MS / 1000}${secure}`,
  });
});
