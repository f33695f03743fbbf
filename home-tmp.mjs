import { chromium } from "@playwright/test";
const base = process.argv[2];
const b = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"] });
for (let i = 0; i < 4; i++) {
  const p = await b.newPage({ viewport: { width: 1280, height: 900 } });
  await p.goto(base + "/", { waitUntil: "commit" });
  await p.waitForSelector('[data-testid="runs-table"] tbody tr');
  const tableAt = await p.evaluate(() => performance.now());
  await p.waitForSelector('[data-testid="scatter-canvas"][data-drawn]', { timeout: 60_000 });
  const drawnAt = await p.evaluate(() => performance.now());
  const t = await p.evaluate(() => {
    const nav = performance.getEntriesByType("navigation")[0];
    const res = performance.getEntriesByType("resource").filter((r) => r.name.includes("/api/stages") || r.name.includes(".js"));
    const js = res.filter((r) => r.name.includes(".js"));
    const feed = res.find((r) => r.name.includes("/api/stages"));
    return { ttfb: Math.round(nav.responseStart), htmlEnd: Math.round(nav.responseEnd), domInteractive: Math.round(nav.domInteractive), dcl: Math.round(nav.domContentLoadedEventEnd), jsEnd: Math.round(Math.max(...js.map((r) => r.responseEnd))), feedStart: feed && Math.round(feed.startTime), feedEnd: feed && Math.round(feed.responseEnd), feedBytes: feed?.encodedBodySize };
  });
  console.log(JSON.stringify({ i, tableAt: Math.round(tableAt), drawnAt: Math.round(drawnAt), ...t }));
  await p.close();
}
await b.close();
