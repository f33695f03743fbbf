import { createSessionToken, passwordMatches, SESSION_COOKIE, SESSION_TTL_MS, authEnabled } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { json, route } from "@/lib/http/route";
import { Login } from "@/lib/schemas/auth";

/** Exchange the lab's password for a session cookie (HTTP-only, SameSite=Lax, 7 days). */
export const POST = route({ body: Login, public: true, maxBodyBytes: 4_096 }, async ({ body, request }) => {
  if (!authEnabled()) return json({ ok: true, auth: "off" });
  // A fixed delay on failure makes guessing slow without keeping per-client state.
  if (!passwordMatches(body.password)) {
    await new Promise((r) => setTimeout(r, 500));
    throw new AppError("unauthorized", "Wrong password");
  }
  const secure = new URL(request.url).protocol === "https:" ? "; Secure" : "";
  return json({ ok: true }, 200, {
    "Set-Cookie": `${SESSION_COOKIE}=${createSessionToken()}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${SESSION_TTL_MS / 1000}${secure}`,
  });
});
