// The two presets as a new user launches them: New experiment → Fashion-MNIST, the default architecture and
// training settings (only the training subset made smaller, through the form's own field, so the spec takes
// minutes) → preset → Start run. Both runs must end succeeded, with the worker's verdict on the run page and in
// the runs table, and every compressed stage smaller than the baseline.
import { expect, test, type Page } from "./lab-test";

const TAG = Date.now().toString(36);
test.setTimeout(1_800_000);

async function launchPreset(page: Page, preset: "sequential" | "four-way", name: string): Promise<string> {
  await page.goto("/experiments/new");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Dataset").selectOption("fashion-mnist");
  await page.getByLabel("Training subset (images)").fill("3000");
  await page.getByTestId(`preset-${preset}`).click();
  await page.getByRole("button", { name: "Start run" }).click();
  await expect(page).toHaveURL(/\/runs\/[\w-]+$/);
  return page.url().split("/").at(-1)!;
}

interface StageJson { index: number; technique: string; status: string; sizeBytes: number | null; verdict: { pass: boolean; checks: { requirement: string; pass: boolean | null }[] } | null }
interface RunJson { status: string; meetsRequirements: boolean | null; shipStageIndex: number | null; stages: StageJson[] }

async function checkFinishedRun(page: Page, runId: string, screenshot: string) {
  await page.goto(`/runs/${runId}`);
  await expect(page.getByTestId("run-status")).toHaveText(/succeeded|failed|cancelled/, { timeout: 1_500_000 });
  await expect(page.getByTestId("run-error")).toHaveCount(0);
  await expect(page.getByTestId("run-status")).toHaveText("succeeded");

  // The verdict is shown: the run's (met or missed), and each compressed stage's ✓ / ✗.
  const verdict = page.getByTestId("run-verdict");
  await expect(verdict).toHaveAttribute("data-meets", /^(yes|no)$/);
  await expect(verdict).toContainText(/Meets requirements|Misses requirements/);
  const meets = page.getByTestId("stage-table").getByTestId("stage-meets");
  const cells = await meets.allInnerTexts();
  expect(cells[0]).toBe("—"); // the baseline is what the others are judged against
  for (const c of cells.slice(1)) expect(c).toMatch(/^[✓✗]$/);
  await page.screenshot({ path: `docs/${screenshot}`, fullPage: true });

  // The API carries the same verdict, and the stage to ship is one that meets every requirement.
  const run = (await (await page.request.get(`/api/runs/${runId}`)).json()) as RunJson;
  expect(run.meetsRequirements).toBe(await verdict.getAttribute("data-meets") === "yes");
  if (run.shipStageIndex != null) expect(run.stages[run.shipStageIndex].verdict?.pass).toBe(true);
  for (const s of run.stages.slice(1)) expect(s.verdict?.checks.map((c) => c.requirement)).toEqual(["maxAccuracyDrop", "minLatencyReduction", "minSizeReduction"]);

  // Compression makes every stage smaller than the baseline (soft: the rest of the spec still runs).
  const base = run.stages[0].sizeBytes!;
  for (const s of run.stages.slice(1)) expect.soft(s.sizeBytes!, `stage ${s.index} (${s.technique}) vs baseline ${base} B`).toBeLessThan(base);
  return run;
}

test("the Sequential and Four-way presets, launched from the form with the defaults, end succeeded with a verdict", async ({ page }) => {
  const sequential = await launchPreset(page, "sequential", `e2e sequential preset ${TAG}`);
  const fourWay = await launchPreset(page, "four-way", `e2e four-way preset ${TAG}`);

  const seqRun = await checkFinishedRun(page, sequential, "run-sequential-preset.png");
  const fourRun = await checkFinishedRun(page, fourWay, "run-four-way-preset.png");

  // The runs table shows the verdict, and filters on it server-side (the filter is in the URL).
  await page.goto(`/?q=${encodeURIComponent(TAG)}`);
  await expect(page.getByTestId("runs-count")).toContainText("of 2 runs");
  await expect(page.getByTestId("runs-table").getByTestId("run-meets")).toHaveCount(2);
  await page.screenshot({ path: "docs/runs-verdict.png" });
  await page.getByLabel("Meets requirements").selectOption("yes");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/meets=yes/);
  const met = [seqRun, fourRun].filter((r) => r.meetsRequirements).length;
  if (met > 0) await expect(page.getByTestId("runs-count")).toContainText(`of ${met} run`);
  else await expect(page.getByText("No runs match these filters")).toBeVisible();
});
