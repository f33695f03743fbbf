// Architecture search as a user sees it: a NAS stage's candidates are child runs, listed on the run page with the
// Pareto set and the chosen architecture marked, each linking to its own page; the runs table leaves them out.
import { expect, test } from "./lab-test";

const NAME = `e2e nas ${Date.now().toString(36)}`;
test.setTimeout(900_000);

test("a NAS stage lists its candidates as child runs, Pareto set and chosen one marked", async ({ page }) => {
  await page.goto("/");
  // Submitted from the page (same origin, as the form does), small enough for a test.
  const { status, body } = await page.evaluate(async (name) => {
    const r = await fetch("/api/experiments", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        name, datasetId: "fashion-mnist", architecture: "small-cnn", training: { epochs: 1, trainLimit: 3000, testLimit: 1000 },
        pipeline: [
          { technique: "baseline" },
          { technique: "nas", from: 0, params: { candidates: 4, proxyImages: 3000, proxyEpochs: 2, widths: [0.35, 0.5], depths: [1], kernels: [3], expansions: [2, 4], budget: { kind: "params", max: 60_000 }, epochs: 3 } },
        ],
      }),
    });
    return { status: r.status, body: await r.json() };
  }, NAME);
  expect(status, JSON.stringify(body)).toBe(201);

  await page.goto(`/runs/${body.runId}`);
  await expect(page.getByTestId("run-status")).toHaveText("succeeded", { timeout: 600_000 });
  const candidates = page.getByTestId("nas-candidates").locator("tbody tr");
  expect(await candidates.count()).toBeGreaterThanOrEqual(4);
  await expect(page.getByTestId("nas-candidates")).toContainText("trained fully");
  await expect(page.getByTestId("nas-candidates")).toContainText("★");
  await page.screenshot({ path: "docs/run-nas-candidates.png", fullPage: true });

  await candidates.first().getByRole("link").click();
  await expect(page.getByTestId("parent-run")).toContainText("A NAS candidate of");
  await expect(page.getByTestId("pipeline")).toContainText("nas");

  // Only the searching run is in the runs table.
  await page.goto(`/?q=${encodeURIComponent(NAME)}`);
  await expect(page.getByTestId("runs-count")).toContainText("of 1 run");
});
