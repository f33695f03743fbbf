import { env } from "../env";

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

/** Why the app must not start as configured, or null: anything beyond loopback needs authentication. */
export function listenRefusal(host = env().HOST, password = env().LAB_PASSWORD): string | null {
  if (LOOPBACK.has(host) || host.startsWith("127.")) return null;
  if (password) return null;
  return `Refusing to listen on ${host} without authentication: set LAB_PASSWORD (and LAB_API_TOKENS for scripts), or listen on 127.0.0.1.`;
}
