// Bring your own model as a user does it: upload the PyTorch-exported ResNet on the Models page, launch
// baseline(load) → prune structured → INT8 from the form, download the INT8 ONNX and run it in onnxruntime-node.
import path from "node:path";
import { expect, test } from "./lab-test";
import * as ort from "onnxruntime-node";

// Upload check, a pruning fine-tune and calibration on this 2-core machine: minutes, not the default 5.
test.setTimeout(900_000);

const FIXTURE = path.join(process.cwd(), "test", "fixtures", "models", "resnet-fmnist.onnx");

test("upload a PyTorch ONNX model, compress it to INT8, download a working file", async ({ page }) => {
  const name = `byom-resnet-${Date.now().toString(36)}`;
  await page.goto("/models");
  await page.getByLabel("ONNX file").setInputFiles(FIXTURE);
  await page.getByLabel("Model name").fill(name);
  await page.getByLabel("Check on dataset").selectOption("fashion-mnist");
  await page.getByRole("button", { name: "Upload" }).click();
  await expect(page.getByTestId("upload-result")).toContainText(`Uploaded "${name}"`, { timeout: 120_000 });
  const row = page.getByTestId("models-table").getByRole("row", { name: new RegExp(name) });
  await expect(row).toContainText("✓ prune-structured");

  await page.goto("/experiments/new");
  await page.getByLabel("Name", { exact: true }).fill(`e2e ${name}`);
  await page.getByLabel("Dataset").selectOption("fashion-mnist");
  const modelOption = await page.locator("#modelId option", { hasText: name }).getAttribute("value");
  await page.getByLabel("Model", { exact: true }).selectOption(modelOption!);
  await page.locator("#epochs").fill("1");
  await page.getByLabel("Training subset (images)").fill("1000");
  await page.getByTestId("add-stage").click();
  await page.getByLabel("Technique of stage 1").selectOption("prune");
  await page.getByTestId("stage-1").getByLabel("Method").selectOption("structured");
  await page.getByTestId("add-stage").click();
  await page.getByLabel("Technique of stage 2").selectOption("quantize");
  await page.getByRole("button", { name: "Start run" }).click();

  await expect(page).toHaveURL(/\/runs\/[\w-]+$/);
  await expect(page.getByTestId("run-status")).toHaveText("succeeded", { timeout: 900_000 });
  const int8 = page.getByTestId("download-onnx").filter({ hasText: "INT8" });
  const [download] = await Promise.all([page.waitForEvent("download"), int8.first().click()]);
  const session = await ort.InferenceSession.create(await download.path());
  // The same input the uploaded model took: NCHW [N, 1, 28, 28].
  const output = await session.run({ [session.inputNames[0]]: new ort.Tensor("float32", new Float32Array(2 * 28 * 28), [2, 1, 28, 28]) });
  expect(output[session.outputNames[0]].dims).toEqual([2, 10]);
});
