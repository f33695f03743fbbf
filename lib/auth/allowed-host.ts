// DNS rebinding: a web page whose name is re-pointed at 127.0.0.1 becomes "same-origin" with the lab, and the
// browser then sends its own name as Host. Only Host values the operator chose are served: loopback names (any
// port), the IP literal the server was told to bind (an IP cannot be rebound), and LAB_ALLOWED_HOSTS.
import { isIP } from "node:net";
import { env } from "../env";

const LOOPBACK = ["localhost", "127.0.0.1", "::1"];

/** "Lab.Example:3000" → "lab.example", "[::1]:3000" → "::1"; null when it is not a host[:port] at all. */
export function hostnameOf(value: string): string | null {
  const v = value.trim().toLowerCase();
  const m = v.match(/^\[([0-9a-f:.]+)\](?::\d{1,5})?$/) ?? v.match(/^([a-z0-9.-]+)(?::\d{1,5})?$/);
  return m ? m[1].replace(/\.$/, "") : null;
}

/** Hosts served: loopback, HOST when it is a concrete IP, and each LAB_ALLOWED_HOSTS entry ("name" or "name:port"). */
function allowList(): { names: Set<string>; exact: Set<string> } {
  const names = new Set(LOOPBACK);
  const exact = new Set<string>();
  const bound = env().HOST.replace(/^\[|\]$/g, "");
  if (isIP(bound) && bound !== "0.0.0.0" && bound !== "::") names.add(bound.toLowerCase());
  for (const entry of (env().LAB_ALLOWED_HOSTS ?? "").split(",").map((e) => e.trim().toLowerCase()).filter(Boolean)) {
    const name = hostnameOf(entry);
    if (!name) continue;
    if (/:\d+$/.test(entry) && !entry.endsWith("]")) exact.add(entry);
    else names.add(name);
  }
  return { names, exact };
}

function allowed(value: string): boolean {
  const name = hostnameOf(value);
  if (!name) return false;
  const { names, exact } = allowList();
  return names.has(name) || exact.has(value.trim().toLowerCase());
}

/**
 * The Host (and X-Forwarded-Host, which a rebound page may set itself) the request names, when it is not one
 * we serve; null when the request is fine. A request without Host never came over HTTP/1.1 from a browser.
 */
export function refusedHost(headers: Headers): string | null {
  for (const header of ["host", "x-forwarded-host"]) {
    const value = headers.get(header);
    if (value !== null && !allowed(value)) return value;
  }
  return null;
}

export const refusedHostMessage = (host: string) =>
  `This lab does not answer to the host name "${host.slice(0, 100)}"; add it to LAB_ALLOWED_HOSTS if it is yours`;
