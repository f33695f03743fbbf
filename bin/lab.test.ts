// The CLI's request body, without a server: what `lab run` flags turn into.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error — a plain ES module without types
import { experimentBody } from "./lab.mjs";

const pipelineFile = (stages: unknown) => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "lab-cli-")), "pipeline.json");
  writeFileSync(file, JSON.stringify(stages));
  return file;
};
const base = { name: "cli", dataset: "fashion-mnist", architecture: "bench-cnn" };

describe("lab run", () => {
  it("--model starts the baseline from an uploaded model, keeping the stage's other params and the later stages", async () => {
    const pipeline = pipelineFile([{ technique: "baseline", params: { fineTuneEpochs: 1 } }, { technique: "quantize", params: { mode: "ptq" } }]);
    const body = await experimentBody({ ...base, pipeline, model: "m-123" });
    expect(body.pipeline).toEqual([{ technique: "baseline", params: { fineTuneEpochs: 1, modelId: "m-123" } }, { technique: "quantize", params: { mode: "ptq" } }]);
  });

  it("without --model the pipeline is sent as written; --model with no baseline first is refused", async () => {
    const stages = [{ technique: "baseline" }, { technique: "prune", params: { sparsity: 0.3 } }];
    expect((await experimentBody({ ...base, pipeline: pipelineFile(stages) })).pipeline).toEqual(stages);
    await expect(experimentBody({ ...base, pipeline: pipelineFile([{ technique: "prune" }]), model: "m-1" })).rejects.toThrow(/stage 0 is the baseline/);
  });
});
