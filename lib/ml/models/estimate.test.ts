import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { exportOnnx } from "../../onnx/export";
import { calibrate } from "../../onnx/calibrate";
import { modelStats } from "../model-stats";
import { Architecture } from "./architecture";
import { buildNasModel } from "../../compress/nas-space";
import { estimateArchitecture, estimateFileBytes, estimateNasCandidate } from "./estimate";
import { buildModel } from "./zoo";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const cases: { arch: Architecture; inputShape: [number, number, number]; numClasses: number; width?: number; depth?: number }[] = [
  ...Architecture.options.map((arch) => ({ arch, inputShape: [28, 28, 1] as [number, number, number], numClasses: 10 })),
  ...Architecture.options.map((arch) => ({ arch, inputShape: [32, 32, 3] as [number, number, number], numClasses: 10 })),
  { arch: "mobilenet-v2", inputShape: [28, 28, 1], numClasses: 4, width: 0.35 },
  { arch: "mobilenet-v2", inputShape: [16, 16, 1], numClasses: 4, width: 1 },
  { arch: "resnet", inputShape: [28, 28, 1], numClasses: 10, depth: 1, width: 0.5 },
];

describe("estimateArchitecture matches the built zoo model", () => {
  it.each(cases)("$arch $inputShape ×$numClasses width $width depth $depth", ({ arch, ...opts }) => {
    const model = buildModel(arch, opts);
    const real = modelStats(model);
    model.dispose();
    const e = estimateArchitecture(arch, opts);
    expect(e.params).toBe(real.params);
    expect(e.macs).toBe(real.macs);
  });

  it.each([
    { width: 0.35, depth: 1, kernel: 3, expansion: 2 },
    { width: 1, depth: 3, kernel: 5, expansion: 6 },
    { width: 0.5, depth: 2, kernel: 7, expansion: 4 },
  ])("NAS candidate %o", (knobs) => {
    const opts = { inputShape: [28, 28, 1] as [number, number, number], numClasses: 10 };
    const model = buildNasModel(knobs, { ...opts, seed: 1 });
    const real = modelStats(model);
    model.dispose();
    const e = estimateNasCandidate(knobs, opts);
    expect(e.params).toBe(real.params);
    expect(e.macs).toBe(real.macs);
  });

  it.each(Architecture.options)("%s: file-size estimate within 10 percent of the real FP32 and INT8 exports", async (arch) => {
    const opts = { inputShape: [28, 28, 1] as [number, number, number], numClasses: 10 };
    const model = buildModel(arch, opts);
    const fp32 = exportOnnx(model, { precision: "fp32" }).byteLength;
    const quantization = await calibrate(model, new Float32Array(4 * 28 * 28).fill(0.5), { method: "minmax" });
    const int8 = exportOnnx(model, { precision: "int8", quantization }).byteLength;
    model.dispose();
    const est = estimateFileBytes(estimateArchitecture(arch, opts));
    expect(Math.abs(est.fp32 / fp32 - 1)).toBeLessThan(0.1);
    expect(Math.abs(est.int8 / int8 - 1)).toBeLessThan(0.1);
  });
});
