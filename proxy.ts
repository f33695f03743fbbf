// In front of every request but the dataset upload: a Host we do not serve gets 421 (DNS rebinding); with
// LAB_PASSWORD set, pages redirect to /login and API routes answer 401 until the request carries a session or
// an API token. Route handlers check all of it again themselves (lib/http/route.ts).
import { NextResponse, type NextRequest } from "next/server";
import { refusedHost, refusedHostMessage } from "./lib/auth/allowed-host";
import { authenticate } from "./lib/auth/session";

const PUBLIC_PATHS = ["/login", "/api/auth/login", "/api/auth/logout"];

export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  const host = refusedHost(request.headers);
  if (host !== null) return NextResponse.json({ error: { code: "misdirected", message: refusedHostMessage(host) } }, { status: 421 });
  if (PUBLIC_PATHS.includes(pathname) || authenticate(request.headers).ok) return NextResponse.next();
  if (pathname.startsWith("/api/")) {
    return NextResponse.json({ error: { code: "unauthorized", message: "Sign in first (or send an API token)" } }, { status: 401 });
  }
  const login = new URL("/login", request.url);
  login.searchParams.set("next", pathname + search);
  return NextResponse.redirect(login);
}

export const config = {
  // Everything but Next's own static files and the dataset and model uploads. Next buffers in memory the body of every
  // request the proxy sees (up to proxyClientMaxBodySize, 10 MB by default); the upload route streams its
  // body to disk instead, after route() has checked the Host and the session, before reading a byte.
  matcher: ["/((?!_next/static|_next/image|favicon.ico|api/datasets/upload$|api/models$).*)"],
};
