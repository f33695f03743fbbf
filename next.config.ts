import path from "node:path";
import type { NextConfig } from "next";

/**
 * Security headers on every response. Scripts and styles stay same-origin ('unsafe-inline' because Next's App
 * Router inlines its bootstrap and React sets style attributes); nothing may frame the app.
 */
const SECURITY_HEADERS = [
  {
    key: "Content-Security-Policy",
    value: [
      "default-src 'self'",
      "script-src 'self' 'unsafe-inline'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      "font-src 'self' data:",
      "connect-src 'self'",
      "object-src 'none'",
      "base-uri 'self'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join("; "),
  },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Referrer-Policy", value: "same-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
];

const config: NextConfig = {
  async headers() {
    return [{ source: "/:path*", headers: SECURITY_HEADERS }];
  },
  // Native and Node-only packages are loaded at run time rather than bundled.
  serverExternalPackages: ["better-sqlite3", "@prisma/adapter-better-sqlite3", "@prisma/adapter-pg", "pg", "bullmq", "ioredis", "onnxruntime-node"],
  poweredByHeader: false,
  // No ETag on pages: Next hashes each page's HTML in JavaScript for it, character by character (0.4 ms of a cached
  // run page's 4.7 ms, --cpu-prof), and pages are sent no-store (proxy.ts), so no browser revalidates with it.
  // Downloads set their own (the file's SHA-256, lib/http/download.ts).
  generateEtags: false,
  // A comparison is a path of its own, so the page cache can keep it (query strings make a page dynamic). Before
  // the file-system routes, since /compare itself is a page (the picker).
  async rewrites() {
    return { beforeFiles: [{ source: "/compare", has: [{ type: "query", key: "runs", value: "(?<runs>[\\w,-]+)" }], destination: "/compare/:runs" }], afterFiles: [], fallback: [] };
  },
  // The browser keeps a cached page's payload for back and forward links 30 s at most (Next's minimum; 300 by default).
  experimental: { staleTimes: { static: 30 } },
  // Rendered pages that declare `revalidate` are kept per data version in memory (see the handler's header).
  cacheHandler: path.resolve("lib/http/page-cache-handler.cjs"),
  cacheMaxMemorySize: 0,
  // No per-response gzip by the server: it compressed every answer on each request, the scatter's 5 MB of
  // points included (hundreds of ms of CPU each, which stalled every other request). A route cannot send its
  // own gzip either (the Content-Encoding header does not reach the client). Pages and data are read over
  // loopback or through a reverse proxy, which compresses for the network where that is slow.
  compress: false,
  // No proxyClientMaxBodySize: Next's default (10 MB) bounds what it buffers for proxy.ts, which never sees the
  // dataset upload (its matcher leaves that route out, so its body streams to disk; see proxy.ts).
  // `npm test` type-checks the whole project (tsc --noEmit) once; building does not repeat it.
  typescript: { ignoreBuildErrors: true },
};

export default config;
