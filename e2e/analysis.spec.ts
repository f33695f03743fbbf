// Sensitivity analysis as a user sees it: an analyze stage's per-layer charts on the run page (INT8 sensitivity
// bars, shares of params / MACs / ORT time, accuracy-vs-sparsity curves), its CSV/JSON downloads, and a prune
// stage that allocates its sparsity from measured curves, showing the per-layer values it chose.
import { expect, test } from "./lab-test";

const NAME = `e2e analysis ${Date.now().toString(36)}`;
test.setTimeout(900_000);

test("the analysis charts and a sensitivity-allocated prune stage on the run page", async ({ page }) => {
  await page.goto("/");
  const { status, body } = await page.evaluate(async (name) => {
    const r = await fetch("/api/experiments", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        name, datasetId: "fashion-mnist", architecture: "small-cnn", training: { epochs: 1, trainLimit: 2000, testLimit: 500 },
        pipeline: [
          { technique: "baseline" },
          { technique: "analyze", params: { images: 150, calibrationImages: 64, timingRuns: 40 } },
          { technique: "prune", params: { allocation: "sensitivity", sensitivityImages: 150, schedule: { kind: "constant", finalSparsity: 0.6 }, epochs: 1 } },
        ],
      }),
    });
    return { status: r.status, body: await r.json() };
  }, NAME);
  expect(status, JSON.stringify(body)).toBe(201);

  await page.goto(`/runs/${body.runId}`);
  await expect(page.getByTestId("run-status")).toHaveText("succeeded", { timeout: 600_000 });
  const analysis = page.getByTestId("analysis-stage-1");
  await expect(analysis).toBeVisible();
  await expect(analysis).toContainText("validation images");
  // small-cnn has 4 weight layers: one INT8 bar, three cost bars and one curve each (recharts draws SVG).
  const quantBars = analysis.getByTestId("analysis-quant-bars").locator(".recharts-bar-rectangle");
  await expect(quantBars.first()).toBeVisible();
  expect(await quantBars.count()).toBeGreaterThanOrEqual(3);
  expect(await analysis.getByTestId("analysis-cost-bars").locator(".recharts-bar-rectangle").count()).toBeGreaterThanOrEqual(await quantBars.count());
  expect(await analysis.getByTestId("analysis-pruning-curves").locator("path.recharts-curve.recharts-line-curve").count()).toBeGreaterThanOrEqual(3);

  // The per-layer CSV behind the download button.
  const href = await analysis.getByTestId("analysis-csv").getAttribute("href");
  const csv = await page.request.get(href!);
  expect(csv.status()).toBe(200);
  const lines = (await csv.text()).trim().split(/\r?\n/);
  expect(lines[0]).toMatch(/^layer,class,params,macs,ort_ms/);
  expect(lines.length).toBeGreaterThanOrEqual(5);

  // The prune stage's chosen per-layer sparsities.
  const allocation = page.getByTestId("allocation-stage-2");
  await expect(allocation).toContainText("global sparsity 60.0%");
  expect(await allocation.locator("tbody tr").count()).toBeGreaterThanOrEqual(3);
  await analysis.scrollIntoViewIfNeeded();
  await page.screenshot({ path: "docs/run-analysis.png", fullPage: true });
});
