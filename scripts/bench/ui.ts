// Dashboard benchmark: seeds a scratch SQLite database (or --database URL, e.g. PostgreSQL) with 5,000 runs /
// 20,000 stages (--runs 100000: 400,000 stages and the NAS child runs), starts the built app on it (next start
// on a free port, as npm start runs it: scripts/web-server.mjs, WEB_PROCESSES processes; builds first when .next is
// missing), then measures
//   - the home page's server response (GET /, the server-rendered runs table), sequential, p50/p95;
//   - the read API under load (scripts/bench/load.ts: 10 keep-alive connections, a mix of /api/runs views and /api/stages):
//     latency p50/p95 over every response;
//   - each view on its own under load (10 connections, --view-duration seconds each, after one warm-up request): every runs-table filter,
//     every sort in both directions, a deep page, the scatter's stage feed (gzipped as the dashboard fetches it, and as JSON), a run page and the compare view;
//   - the home page's render time in Debian's Chromium: navigation start → table painted and the scatter's
//     points drawn on the canvas (how many is reported: every measured stage of the view, up to 100,000).
// The last line printed is one JSON object:
//   {"bench":"ui","database":…,"webProcesses":…,"runs":…,"stages":…,"apiP50Ms":…,"apiP95Ms":…,"apiRps":…,"homeServerP50Ms":…,
//    "homeServerP95Ms":…,"homeRenderMs":…,"homeScatterPointsDrawn":…,"views":{"<path>":{"p50Ms":…,"p95Ms":…}, …},"slowestViewP95Ms":…}
// Options: --runs N (default 5000), --duration S (seconds of the API mix, default 10), --connections N (default 10),
//          --view-duration S (default 3), --database URL (default: a scratch SQLite file), --skip-seed (the
//          database is already seeded), --keep (keep the scratch database).
import { spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { chromium } from "@playwright/test";
import { createDb } from "../../lib/db";
import { childEnv, env, webProcesses } from "../../lib/env";
import { seedUi } from "../seed-ui";
import { closedLoopLoad } from "./load";
import { spawnWebServer } from "../web-server.mjs";

const option = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const RUNS = Number(option("runs") ?? 5000);
const DURATION = Number(option("duration") ?? 10);
const CONNECTIONS = Number(option("connections") ?? 10);
const VIEW_DURATION = Number(option("view-duration") ?? 3);
const DATABASE = option("database");
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const NEXT = path.join(root, "node_modules/next/dist/bin/next");

const quantile = (sorted: number[], q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN);
const round = (v: number) => Math.round(v * 10) / 10;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

async function waitFor(url: string, timeoutMs: number, server: ChildProcess) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode != null) throw new Error(`the app exited (${server.exitCode}) before answering`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000}s`);
}

async function main() {
  const scratch = mkdtempSync(path.join(os.tmpdir(), "lab-bench-ui-"));
  const url = DATABASE ?? `file:${path.join(scratch, "ui.db")}`;
  let server: ChildProcess | undefined;
  try {
    let seeded: { runs: number; stages: number };
    if (process.argv.includes("--skip-seed")) {
      const d = createDb(url);
      seeded = { runs: await d.run.count({ where: { parentRunId: null } }), stages: await d.stage.count() };
      await d.$disconnect();
    } else {
      console.log(`bench-ui: seeding ${RUNS} runs into ${url}`);
      seeded = await seedUi(url, { runs: RUNS, log: (m) => console.log(m) });
    }

    if (!existsSync(path.join(root, ".next/BUILD_ID"))) {
      console.log("bench-ui: no production build; running next build…");
      const b = spawnSync(process.execPath, [NEXT, "build"], { cwd: root, stdio: "inherit", env: childEnv({ NEXT_TELEMETRY_DISABLED: "1" }) });
      if (b.status !== 0) throw new Error("next build failed");
    }
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    // The bench measures the dashboard, not sign-in: the app runs open (no LAB_PASSWORD) on its scratch database.
    // Started as npm start starts it (scripts/web-server.mjs, WEB_PROCESSES processes on one port).
    const processes = webProcesses(env());
    server = spawnWebServer({
      host: "127.0.0.1", port, processes, stdio: ["ignore", "ignore", "inherit"],
      env: childEnv({ LAB_PASSWORD: undefined, DATABASE_URL: url, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" }),
    });
    await waitFor(`${base}/api/runs?pageSize=25`, 60_000, server);
    console.log(`bench-ui: app on ${base} (${processes} web process${processes > 1 ? "es" : ""})`);

    // A view's first request in each web process loads and compiles its modules (the run page's first: 2.2–2.5 s
    // at load 8) and fills that process's caches. Requests on one connection stay with one process, so the
    // warm-up sends 2 per process at once, each on its own connection (the primary deals them round-robin).
    const warm = (p: string) => Promise.all(Array.from({ length: 2 * processes }, async () => (await fetch(base + p)).arrayBuffer()));

    // 1. The server-rendered home page, one request at a time (after a warm-up).
    const homeUrls = ["/", "/?sort=accuracy", "/?technique=prune&page=7", "/?q=resnet&status=succeeded", "/?sort=latency&dir=asc&pageSize=100"];
    for (const u of homeUrls) await warm(u);
    const home: number[] = [];
    for (let i = 0; i < 40; i++) {
      const t = performance.now();
      const r = await fetch(base + homeUrls[i % homeUrls.length]);
      await r.text();
      if (!r.ok) throw new Error(`GET ${homeUrls[i % homeUrls.length]} → ${r.status}`);
      home.push(performance.now() - t);
    }
    home.sort((a, b) => a - b);

    // 2. The read API under load.
    const apiPaths = ["/api/runs", "/api/runs?sort=accuracy", "/api/runs?technique=nas&page=5", "/api/runs?q=mobilenet&sort=size&dir=asc", "/api/runs?tag=mobile&status=succeeded", "/api/stages?technique=quantize"];
    for (const p of apiPaths) await warm(p);
    const { latencies, errors, requestsPerSecond } = await closedLoopLoad({ base, paths: apiPaths, connections: CONNECTIONS, durationMs: DURATION * 1000 });
    if (errors) console.log(`bench-ui: ${errors} non-200 API responses`);

    // 2b. Each view alone under the same load: a slow view cannot hide in the mix's average.
    const [newest] = ((await (await fetch(`${base}/api/runs?pageSize=25&status=succeeded`)).json()) as { rows: { id: string }[] }).rows;
    const pick = ((await (await fetch(`${base}/api/runs?pageSize=25&sort=accuracy`)).json()) as { rows: { id: string }[] }).rows.map((r) => r.id);
    const deepPage = Math.max(1, Math.floor(RUNS / 50 / 2));
    // The Next link of a deep page carries the previous page's cursor (keyset): measured as the UI requests it.
    const cursorOf = async (p: string) => ((await (await fetch(`${base}${p}`)).json()) as { nextCursor: string | null }).nextCursor;
    const deepCursor = async (qs: string) => `/api/runs?${qs}${qs ? "&" : ""}page=${deepPage}&after=${await cursorOf(`/api/runs?${qs}${qs ? "&" : ""}page=${deepPage - 1}`)}`;
    const viewPaths = [
      "/api/runs", "/api/runs?dir=asc", `/api/runs?page=${deepPage}`, await deepCursor(""), await deepCursor("sort=size&dir=asc"), await deepCursor("sort=name"),
      ...(["name", "status", "accuracy", "latency", "size"] as const).flatMap((sort) => [`/api/runs?sort=${sort}`, `/api/runs?sort=${sort}&dir=asc&page=${deepPage}`]),
      "/api/runs?status=failed", "/api/runs?technique=nas&page=5", "/api/runs?technique=cluster&sort=accuracy", "/api/runs?dataset=synthetic-10&sort=size",
      "/api/runs?tag=mobile&status=succeeded", "/api/runs?q=mobilenet&sort=size&dir=asc",
      // The scatter's feed as the dashboard fetches it (gzipped, decompressed in the browser), and as JSON for API clients.
      "/api/stages?encoding=gzip", "/api/stages?technique=quantize&encoding=gzip", `/api/stages?runs=${pick.slice(0, 5).join(",")}&encoding=gzip`,
      "/api/stages", "/api/stages?technique=quantize",
      `/runs/${newest.id}`, `/compare?runs=${pick.slice(0, 4).join(",")}`,
    ];
    const views: Record<string, { p50Ms: number; p95Ms: number; errors: number }> = {};
    for (const p of viewPaths) {
      // Warmed first, its answers awaited: the view's caches (count, scatter points) are filled in each process, as
      // they are after its first visitors; what is measured is the steady state, with refreshes of stale entries included.
      await warm(p);
      const { latencies: ms, errors: failed } = await closedLoopLoad({ base, paths: [p], connections: CONNECTIONS, durationMs: VIEW_DURATION * 1000 });
      views[p] = { p50Ms: round(quantile(ms, 0.5)), p95Ms: round(quantile(ms, 0.95)), errors: failed };
      console.log(`bench-ui: ${p} p50 ${views[p].p50Ms} ms, p95 ${views[p].p95Ms} ms${failed ? `, ${failed} errors` : ""}`);
    }

    // 3. Render time in Chromium: navigation start → table painted and scatter points drawn.
    const browser = await chromium.launch({
      executablePath: env().CHROMIUM_PATH,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    const renders: number[] = [];
    let drawn = 0;
    try {
      for (let i = 0; i < 4; i++) {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        await page.goto(base + "/", { waitUntil: "commit" });
        await page.waitForSelector('[data-testid="runs-table"] tbody tr');
        await page.waitForSelector('[data-testid="scatter-canvas"][data-drawn]', { timeout: 60_000 });
        renders.push(await page.evaluate(() => performance.now()));
        drawn = Number(await page.getAttribute('[data-testid="scatter-canvas"]', "data-drawn"));
        await page.close();
      }
    } finally {
      await browser.close();
    }
    renders.shift(); // the first load fills the server's caches
    renders.sort((a, b) => a - b);

    const out = {
      bench: "ui",
      database: url.startsWith("postgres") ? "postgresql" : "sqlite",
      webProcesses: processes,
      runs: seeded.runs,
      stages: seeded.stages,
      apiP50Ms: round(quantile(latencies, 0.5)),
      apiP95Ms: round(quantile(latencies, 0.95)),
      apiRps: round(requestsPerSecond),
      apiRequests: latencies.length,
      apiErrors: errors,
      homeServerP50Ms: round(quantile(home, 0.5)),
      homeServerP95Ms: round(quantile(home, 0.95)),
      homeRenderMs: round(quantile(renders, 0.5)),
      homeScatterPointsDrawn: drawn,
      views,
      slowestViewP95Ms: Math.max(...Object.values(views).map((v) => v.p95Ms)),
    };
    console.log(JSON.stringify(out));
  } finally {
    if (server && server.exitCode == null) server.kill("SIGTERM");
    if (!process.argv.includes("--keep")) rmSync(scratch, { recursive: true, force: true });
    else if (!DATABASE) console.log(`bench-ui: kept ${url}`);
  }
}

main().catch((e) => {
  console.error(`bench-ui: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
