import { SESSION_COOKIE } from "@/lib/auth/session";
import { json, route } from "@/lib/http/route";

export const POST = route({ public: true }, async () =>
  json({ ok: true }, 200, { "Set-Cookie": `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0` }),
);
