// The auto stage as a user sees it: its probes are child runs, on the run page's scatter (validation top-1 of each
// INT8 file against its size, latency or MACs, with the Pareto front and the chosen one as its own series) and in
// a table with the chosen one marked; each links to its own page.
import { expect, test } from "./lab-test";

const NAME = `e2e auto ${Date.now().toString(36)}`;
test.setTimeout(900_000);

test("an auto stage shows its candidates on the scatter, Pareto set and chosen one marked", async ({ page }) => {
  await page.goto("/");
  const { status, body } = await page.evaluate(async (name) => {
    const r = await fetch("/api/experiments", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        name, datasetId: "fashion-mnist", architecture: "bench-cnn", training: { epochs: 2, trainLimit: 5000, testLimit: 1000 },
        pipeline: [
          { technique: "baseline" },
          { technique: "auto", params: { maxAccuracyDrop: 10, objective: "size", budgetMinutes: 10, students: 2, widths: [0.35, 0.5, 0.75], depths: [1], expansions: [2], epochs: 2, sparsitySteps: 1, calibrationImages: 128 } },
        ],
      }),
    });
    return { status: r.status, body: await r.json() };
  }, NAME);
  expect(status, JSON.stringify(body)).toBe(201);

  await page.goto(`/runs/${body.runId}`);
  await expect(page.getByTestId("run-status")).toHaveText("succeeded", { timeout: 800_000 });
  const table = page.getByTestId("auto-candidates");
  const rows = table.locator("tbody tr");
  expect(await rows.count()).toBeGreaterThanOrEqual(2);
  await expect(table.locator("tr[data-chosen=true]")).toHaveCount(1);
  await expect(table).toContainText("★");
  // The scatter draws every probe (size axis: each has its INT8 file's bytes) and its Pareto front.
  const scatter = page.getByTestId("auto-scatter").getByTestId("scatter");
  await expect(scatter).toHaveAttribute("data-points", String(await rows.count()));
  await scatter.getByLabel("X axis").selectOption("size");
  await expect(scatter.locator(".scatter-legend")).toContainText("chosen");
  await expect(scatter.getByTestId("scatter-summary")).toContainText("Pareto front");
  await page.getByTestId("auto-scatter").scrollIntoViewIfNeeded();
  await page.screenshot({ path: "docs/run-auto-candidates.png", fullPage: true });

  await rows.first().getByRole("link").click();
  await expect(page.getByTestId("parent-run")).toContainText("auto search");
});
