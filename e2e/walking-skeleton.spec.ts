// The walking skeleton as a user walks it: form → live run → result → ONNX download → runs list.
import { expect, test } from "./lab-test";
import * as ort from "onnxruntime-node";

test("launch a Fashion-MNIST run from the form, watch it, download a working ONNX file", async ({ page }) => {
  await page.goto("/experiments/new");
  await page.getByLabel("Name").fill("e2e fashion bench-cnn");
  await page.getByLabel("Dataset").selectOption("fashion-mnist");
  await page.getByLabel("Architecture").selectOption("bench-cnn");
  await page.getByLabel("Epochs").fill("1");
  await page.getByLabel("Training subset (images)").fill("3000");
  await page.getByRole("button", { name: "Start run" }).click();

  await expect(page).toHaveURL(/\/runs\/[\w-]+$/);
  // Live progress over server-sent events, without a reload.
  await expect(page.getByTestId("progress-detail")).toContainText(/epoch 1\/1 · batch \d+\/\d+ · loss \d/, { timeout: 120_000 });
  await expect(page.getByTestId("run-status")).toHaveText("succeeded", { timeout: 240_000 });
  await expect(page.getByTestId("progress-bar")).toHaveAttribute("aria-valuenow", "100");
  // The page was opened before the first epoch and never reloaded: the curve and the results below came as
  // pushed deltas (metrics, stage, status) folded into the snapshot it got on connect.
  await expect(page.getByText("Curves appear after the first epoch.")).toBeHidden();
  await expect(page.locator(".recharts-legend-item-text").filter({ hasText: /^loss$/ })).toBeVisible(); // a series per metric pushed
  // The training loop's speed stays on the page after the run ends (the live progress line is gone by then).
  await expect(page.getByTestId("training-speed")).toContainText(/stage 0 · baseline [\d,]+ images\/s/);

  const accuracy = Number((await page.getByTestId("result-accuracy").innerText()).replace("%", ""));
  // 10 classes, ~40 Adam steps on 2,700 images: about 50% is typical; chance is 10%.
  expect(accuracy).toBeGreaterThan(35);
  await expect(page.getByTestId("result-size")).toContainText("KB");
  await expect(page.getByTestId("result-latency")).toContainText("ms");
  await page.screenshot({ path: "docs/run-page.png", fullPage: true });

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download-onnx").first().click()]);
  expect(download.suggestedFilename()).toBe("e2e-fashion-bench-cnn-stage0-baseline-fp32.onnx");
  const file = await download.path();
  const session = await ort.InferenceSession.create(file);
  const output = await session.run({ [session.inputNames[0]]: new ort.Tensor("float32", new Float32Array(28 * 28), [1, 1, 28, 28]) });
  expect(output[session.outputNames[0]].dims).toEqual([1, 10]);

  await page.goto("/");
  const row = page.getByTestId("runs-table").getByRole("row", { name: /e2e fashion bench-cnn/ });
  await expect(row).toContainText("succeeded");
  await page.screenshot({ path: "docs/runs.png" });
});
