// In front of every request: with LAB_PASSWORD set, pages redirect to /login and API routes answer 401 until
// the request carries a session or an API token. Route handlers check again themselves (lib/http/route.ts).
import { NextResponse, type NextRequest } from "next/server";
import { authenticate } from "./lib/auth/session";

const PUBLIC_PATHS = ["/login", "/api/auth/login", "/api/auth/logout"];

export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  if (PUBLIC_PATHS.includes(pathname) || authenticate(request.headers).ok) return NextResponse.next();
  if (pathname.startsWith("/api/")) {
    return NextResponse.json({ error: { code: "unauthorized", message: "Sign in first (or send an API token)" } }, { status: 401 });
  }
  const login = new URL("/login", request.url);
  login.searchParams.set("next", pathname + search);
  return NextResponse.redirect(login);
}

export const config = {
  // Everything but Next's own static files.
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
