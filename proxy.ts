// In front of every page: a Host we do not serve gets 421 (DNS rebinding); with LAB_PASSWORD set, pages redirect
// to /login until the request carries a session; every page it lets through is marked uncacheable for browsers
// and proxies. API routes are left out: each checks the Host, the session or
// API token and cross-site writes itself (route() and guard() in lib/http/route.ts, every route under app/api),
// so the proxy would only repeat that — at a cost of its own on every API request (Next builds a request for it
// and buffers the body it sees, up to 10 MB) — and route() then reads a body with its own 64 KB limit.
import { NextResponse, type NextRequest } from "next/server";
import { refusedHost, refusedHostMessage } from "./lib/auth/allowed-host";
import { authenticate } from "./lib/auth/session";

const PUBLIC_PATHS = ["/login"];
export const PAGE_CACHE_CONTROL = "private, no-cache, no-store, max-age=0, must-revalidate";

export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  const host = refusedHost(request.headers);
  if (host !== null) return NextResponse.json({ error: { code: "misdirected", message: refusedHostMessage(host) } }, { status: 421 });
  if (PUBLIC_PATHS.includes(pathname) || authenticate(request.headers).ok) {
    // No shared cache may keep a page: pages can sit behind the password, and the ones the page cache keeps
    // (lib/http/page-cache-handler.cjs) are current only while the data version holds, which a proxy cannot
    // know (Next would send them as s-maxage=60, stale-while-revalidate).
    const page = NextResponse.next();
    page.headers.set("Cache-Control", PAGE_CACHE_CONTROL);
    return page;
  }
  const login = new URL("/login", request.url);
  login.searchParams.set("next", pathname + search);
  return NextResponse.redirect(login);
}

export const config = {
  // Pages only: not Next's own static files, not the API (see above).
  matcher: ["/((?!_next/static|_next/image|favicon.ico|api/).*)"],
};
