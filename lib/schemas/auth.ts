// Request and response schemas of the auth API (POST /api/auth/login, /api/auth/logout).
import { z } from "zod";

export const Login = z.object({ password: z.string().min(1, "enter the password").max(1_000) }).strict();
export type Login = z.infer<typeof Login>;

/** `auth: "off"` when the lab runs without a password (no cookie is set). */
export const LoginResponse = z.object({ ok: z.literal(true), auth: z.literal("off").optional() });
export const LogoutResponse = z.object({ ok: z.literal(true) });
