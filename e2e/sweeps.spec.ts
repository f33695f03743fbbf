// A sweep as a user makes one: New experiment → a baseline, a distillation and a pruning stage → "Sweep this
// field" on the pruning sparsity (3 values) and the student width (2 values), seeds 1 and 2 → the sweep page.
// All 12 runs (tiny: 300 training images) must end without a failure; then brushing the parallel-coordinates
// chart filters the table of seed groups in Chromium.
import { expect, test, type Locator, type Page } from "./lab-test";

const NAME = `e2e sweep ${Date.now().toString(36)}`;
const SPARSITY = "pipeline.2.params.schedule.finalSparsity";
const WIDTH = "pipeline.1.params.width";
test.setTimeout(2_400_000);

/** Drags along an axis's hit area from one position to another (0 = bottom, 1 = top of the axis). */
async function brush(page: Page, area: Locator, from: number, to: number) {
  await area.scrollIntoViewIfNeeded(); // the mouse moves in viewport coordinates: the whole axis must be on screen
  const box = (await area.boundingBox())!;
  const pad = 6; // the hit area reaches 6 px past each end of the axis
  const y = (p: number) => box.y + pad + (1 - p) * (box.height - 2 * pad);
  const x = box.x + box.width / 2;
  await page.mouse.move(x, y(from));
  await page.mouse.down();
  await page.mouse.move(x, (y(from) + y(to)) / 2, { steps: 4 });
  await page.mouse.move(x, y(to), { steps: 4 });
  await page.mouse.up();
}

test("a 12-run sweep from the form runs to the end, and brushing the parallel coordinates filters the table", async ({ page }) => {
  await page.goto("/experiments/new");
  await page.getByLabel("Name").fill(NAME);
  await page.getByLabel("Dataset").selectOption("fashion-mnist");
  await page.getByLabel("Architecture").selectOption("small-cnn");
  await page.getByLabel("Epochs").fill("1");
  await page.getByLabel("Training subset (images)").fill("300");
  await page.getByTestId("add-stage").click();
  await page.locator("#stage-1-technique").selectOption("distill");
  await page.locator("#stage-1-student").selectOption("mobilenet-v2");
  await page.getByTestId("add-stage").click();
  await page.locator("#stage-2-technique").selectOption("prune");

  await page.getByTestId("sweep-add").click();
  await page.getByTestId("sweep-path-0").selectOption(SPARSITY);
  await page.getByTestId("sweep-values-0").fill("0.3, 0.5, 0.7");
  await page.getByTestId("sweep-add").click();
  await page.getByTestId("sweep-path-1").selectOption(WIDTH);
  await page.getByTestId("sweep-values-1").fill("0.25, 0.5");
  await page.getByTestId("sweep-seeds").fill("1, 2");
  await expect(page.getByTestId("sweep-count")).toHaveText("12 runs");
  await page.getByRole("button", { name: "Start sweep (12 runs)" }).click();
  await expect(page).toHaveURL(/\/sweeps\/[\w-]+$/);
  const sweepId = page.url().split("/").at(-1)!;

  const summary = page.getByTestId("sweep-summary");
  await expect(summary).toContainText("12 runs");
  const table = page.getByTestId("sweep-table");
  await expect(table.getByTestId("sweep-row")).toHaveCount(6); // 6 settings, each with its 2 seeds

  // Every run ends; none fails (a trial may be stopped early, by the sweep's rule).
  await expect(summary).not.toContainText(/queued|running/, { timeout: 2_100_000 });
  await expect(summary).not.toContainText("failed");
  const api = await (await page.request.get(`/api/sweeps/${sweepId}`)).json();
  expect(api.runs).toHaveLength(12);
  expect(api.runs.every((r: { status: string; stoppedEarly: unknown }) => r.status === "succeeded" || (r.status === "cancelled" && r.stoppedEarly))).toBe(true);
  await expect(page.getByTestId("best-accuracy")).toContainText("%");
  await expect(page.getByTestId("sweep-scatter").getByTestId("scatter-group").first()).toBeVisible();
  // mean ± sd for every setting whose two seeds both finished
  for (const g of api.groups as { accuracy: { n: number } | null }[]) if (g.accuracy?.n === 2) await expect(table).toContainText("±");
  await page.screenshot({ path: "docs/sweep-page.png", fullPage: true });

  // Brush the width axis's top (width 0.5): the table keeps the 3 settings with that width.
  const widthArea = page.getByTestId(`brush-area-param:${WIDTH}`);
  await brush(page, widthArea, 1, 0.7);
  await expect(page.getByTestId(`axis-param:${WIDTH}`)).toHaveAttribute("data-brushed", "yes");
  await expect(table.getByTestId("sweep-row")).toHaveCount(3);
  const widthColumn = 1; // columns: sparsity, width, …
  for (const row of await table.getByTestId("sweep-row").all()) await expect(row.getByTestId("sweep-value").nth(widthColumn)).toHaveText("0.5");
  await expect(page.getByTestId("sweep-table-count")).toHaveText("(3 of 6)");

  // A second brush, on the sparsity axis's bottom (0.3 only), narrows it to one setting.
  await brush(page, page.getByTestId(`brush-area-param:${SPARSITY}`), 0, 0.2);
  await expect(table.getByTestId("sweep-row")).toHaveCount(1);
  await expect(table.getByTestId("sweep-row").getByTestId("sweep-value").first()).toHaveText("0.3");
  await page.screenshot({ path: "docs/sweep-brushed.png", fullPage: true });

  // A click on an axis (no drag) clears its brush; the button clears them all.
  await widthArea.click();
  await expect(page.getByTestId(`axis-param:${WIDTH}`)).toHaveAttribute("data-brushed", "no");
  await expect(table.getByTestId("sweep-row")).toHaveCount(2);
  await page.getByTestId("clear-brushes").click();
  await expect(table.getByTestId("sweep-row")).toHaveCount(6);
});
