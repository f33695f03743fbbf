// Where to go after signing in: only a path of this lab. Browsers read "/\evil.example", "/\t/evil.example"
// and "/x/..//evil.example" as other sites, so the value is resolved the way a browser would and kept only
// when it stays on our origin and does not start with "//" (a protocol-relative URL) once normalised.
const BASE = "http://lab.invalid";

export function safeNextPath(next: unknown): string {
  if (typeof next !== "string" || !next.startsWith("/") || next.length > 2_000) return "/";
  // Backslashes and control characters have no business in a path of ours; browsers rewrite or drop them.
  if (/[\\\u0000-\u001f\u007f]/.test(next)) return "/";
  let url: URL;
  try {
    url = new URL(next, BASE);
  } catch {
    return "/";
  }
  if (url.origin !== BASE || url.pathname.startsWith("//")) return "/";
  return url.pathname + url.search + url.hash;
}
