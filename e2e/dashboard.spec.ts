// The dashboard as a user walks it: form with a preset → live run → re-run → the scatter shows their stages →
// filter the runs table → download it as CSV → compare the two runs. Screenshots of every page go to docs/.
import { readFileSync } from "node:fs";
import { expect, test, type Page } from "./lab-test";

const NAME = `e2e dash ${Date.now().toString(36)}`;
// Generous: on 2 shared cores a 4-stage pipeline can take several minutes when other work competes for them.
test.setTimeout(1_800_000);

async function runIdOf(page: Page): Promise<string> {
  await expect(page).toHaveURL(/\/runs\/[\w-]+$/);
  return page.url().split("/").pop()!;
}

test("launch with a preset, watch it live, see it on the scatter, filter, re-run, compare, export CSV", async ({ page }) => {
  // ── the form ──────────────────────────────────────────────────────────────────────────────────────
  await page.goto("/experiments/new");
  await page.getByLabel("Name").fill(NAME);
  await page.getByLabel("Tags").fill("e2e, dashboard");
  await page.getByLabel("Dataset").selectOption("fashion-mnist");
  await page.getByLabel("Architecture").selectOption("bench-cnn");
  await page.getByLabel("Epochs").fill("1");
  await page.getByLabel("Training subset (images)").fill("2000");

  await page.getByTestId("preset-sequential").click();
  await expect(page.getByTestId("stage-3")).toBeVisible();
  await expect(page.getByLabel("Schedule · Final Sparsity")).toHaveValue("0.3");
  // Keep the test quick: the smallest student for the distillation stage.
  await page.getByLabel("Student").selectOption("small-cnn");
  // Keyboard: the pipeline controls are reachable and labelled.
  await expect(page.getByLabel("Technique of stage 0")).toHaveValue("baseline");
  await page.screenshot({ path: "docs/dashboard-new-experiment.png", fullPage: true });

  // Client-side validation shows the error next to the field.
  await page.getByLabel("Name").fill("");
  await page.getByRole("button", { name: "Start run" }).click();
  await expect(page.locator("#name-error")).toContainText("give the experiment a name");
  await page.getByLabel("Name").fill(NAME);
  await page.getByRole("button", { name: "Start run" }).click();

  // ── live run ─────────────────────────────────────────────────────────────────────────────────────
  const runId = await runIdOf(page);
  await expect(page.getByTestId("progress-detail")).toContainText(/epoch 1\/1 · batch \d+\/\d+/, { timeout: 180_000 });
  // No layout shift: the stage table is there (pending rows) before any result arrives.
  await expect(page.getByTestId("stage-table").locator("tbody tr")).toHaveCount(4);
  await page.screenshot({ path: "docs/dashboard-run-live.png", fullPage: true });
  await expect(page.getByTestId("run-status")).toHaveText("succeeded", { timeout: 1_200_000 });
  await expect(page.getByTestId("progress-bar")).toHaveAttribute("aria-valuenow", "100");
  const measured = 4; // every stage of the preset is measured
  await expect(page.getByTestId("result-accuracy")).toContainText("%");
  await expect(page.getByTestId("download-onnx").first()).toBeVisible();
  await expect(page.getByTestId("confusion-matrix")).toBeVisible();
  await page.screenshot({ path: "docs/dashboard-run.png", fullPage: true });

  // The run's stages as CSV.
  const [stagesCsv] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-stages-csv").click()]);
  const stagesText = readFileSync(await stagesCsv.path(), "utf8");
  expect(stagesText.split("\r\n")[0]).toContain("stage,technique,status,top1");
  expect(stagesText).toContain("0,baseline,succeeded,");

  // ── re-run: a second run of the same settings, to compare with ───────────────────────────────────
  await page.getByTestId("rerun").click();
  await expect(page).not.toHaveURL(new RegExp(`/runs/${runId}$`));
  const rerunId = await runIdOf(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`${NAME} (re-run)`);
  await expect(page.getByRole("button", { name: "Cancel" })).toBeVisible(); // offered while it is live
  await expect(page.getByTestId("run-status")).toHaveText("succeeded", { timeout: 1_200_000 });
  await expect(page.getByRole("button", { name: "Cancel" })).toBeHidden();

  // ── home: the scatter shows the new points; filtering ─────────────────────────────────────────────
  await page.goto("/");
  const scatter = page.getByTestId("scatter");
  await expect(scatter).toHaveAttribute("data-points", /^[1-9]\d*$/);
  await expect(scatter.getByTestId("scatter-canvas")).toHaveAttribute("data-drawn", /^[1-9]\d*$/);
  await page.screenshot({ path: "docs/dashboard-home.png", fullPage: true });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.screenshot({ path: "docs/dashboard-home-dark.png", fullPage: true });
  await page.emulateMedia({ colorScheme: "light" });

  await page.getByLabel("Search").fill(NAME);
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/[?&]q=/);
  const rows = page.getByTestId("runs-table").locator("tbody tr");
  await expect(rows).toHaveCount(2);
  await expect(page.getByTestId("runs-count")).toContainText("of 2 runs");
  // The filtered scatter holds exactly these two runs' measured stages.
  await expect(scatter).toHaveAttribute("data-points", String(2 * measured));

  // ── CSV of the filtered table ────────────────────────────────────────────────────────────────────
  const [csv] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-csv").click()]);
  expect(csv.suggestedFilename()).toMatch(/^compression-lab-runs-.*\.csv$/);
  const lines = readFileSync(await csv.path(), "utf8").trim().split("\r\n");
  expect(lines[0]).toBe("run_id,experiment,dataset,architecture,tags,pipeline,status,best_top1,final_latency_p50_ms,final_size_bytes,meets_requirements,ship_stage,backend,seed,queued_at,started_at,finished_at,duration_s");
  expect(lines).toHaveLength(3);
  expect(lines.slice(1).map((l) => l.split(",")[0]).sort()).toEqual([runId, rerunId].sort());

  // ── compare the two ─────────────────────────────────────────────────────────────────────────────
  await page.getByLabel(`Select ${NAME} for comparison`, { exact: true }).check();
  await page.getByLabel(`Select ${NAME} (re-run) for comparison`, { exact: true }).check();
  await page.getByTestId("compare-selected").click();
  await expect(page).toHaveURL(/\/compare\?runs=[^&]+,/); // the form's run=a&run=b, redirected to the address the page cache keeps
  await expect(page.getByTestId("compare-stages").locator(".panel")).toHaveCount(2);
  // A re-run repeats its configuration: nothing differs, and the shared settings are folded away, one click open.
  await expect(page.getByTestId("param-diff")).toContainText("No setting differs");
  await page.getByTestId("param-same").locator("summary").click();
  await expect(page.getByTestId("param-same").getByRole("cell", { name: "training.epochs", exact: true })).toBeVisible();
  await expect(page.getByTestId("scatter")).toHaveAttribute("data-points", String(2 * measured));
  await page.screenshot({ path: "docs/dashboard-compare.png", fullPage: true });

  // ── the view lives in the URL: a status filter and a sort survive a reload ──────────────────────────
  await page.goto(`/?q=${encodeURIComponent(NAME)}&status=failed`);
  await expect(page.getByLabel("Status")).toHaveValue("failed");
  await expect(page.getByText("No runs match these filters.")).toBeVisible();
  await page.goto(`/?q=${encodeURIComponent(NAME)}&status=succeeded&sort=accuracy`);
  await expect(rows).toHaveCount(2);
  await expect(page.getByRole("columnheader", { name: /Best top-1/ })).toHaveAttribute("aria-sort", "descending");
});
