// The one home of "may the lab serve here without authentication?": only on loopback. Checked twice — on the
// configured HOST before anything starts (npm start imports this file), and on the address the server actually
// bound once it listens (instrumentation.ts): `next start` without -H binds every address whatever HOST says,
// which is how a bare `docker run -p 3000:3000` of the image served the lab to anyone.
import net from "node:net";
import os from "node:os";
import { env } from "../env";

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);
const HOW_TO = "set LAB_PASSWORD (and LAB_API_TOKENS for scripts), or listen on 127.0.0.1";

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || host.startsWith("127.");
}

/** Why the app must not start as configured, or null: anything beyond loopback needs authentication. */
export function listenRefusal(host = env().HOST, password = env().LAB_PASSWORD): string | null {
  if (isLoopback(host) || password) return null;
  return `Refusing to listen on ${host} without authentication: ${HOW_TO}.`;
}

/** This machine's addresses other than loopback (link-local IPv6 ones with their interface, as connect needs). */
function outsideAddresses(): string[] {
  return Object.entries(os.networkInterfaces()).flatMap(([name, infos]) =>
    (infos ?? []).filter((i) => !i.internal).map((i) => (i.family === "IPv6" && i.address.startsWith("fe80:") ? `${i.address}%${name}` : i.address)),
  );
}

function accepts(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => done(true));
  });
}

/**
 * Why the running server must stop, or null. Asks the listening socket itself rather than the configuration:
 * a connection to `port` on any of this machine's non-loopback addresses means the server is bound beyond
 * loopback (0.0.0.0, ::, or an interface address).
 */
export async function boundRefusal(port = env().PORT, password = env().LAB_PASSWORD, timeoutMs = 1_000): Promise<string | null> {
  if (password) return null;
  const addresses = outsideAddresses();
  const answered = await Promise.all(addresses.map((a) => accepts(a, port, timeoutMs)));
  const reachable = addresses.filter((_, i) => answered[i]);
  if (reachable.length === 0) return null;
  return `Refusing to serve without authentication: the server answers on ${reachable.join(", ")} port ${port}, not only on loopback (next start without -H binds every address): ${HOW_TO} (-H 127.0.0.1).`;
}
