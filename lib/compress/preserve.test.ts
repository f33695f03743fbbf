import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { cluster } from "./cluster";
import { ClusterParams } from "./cluster.schema";
import { kernelLayers, kernelVariable } from "./model-graph";
import { preservationOf, clusteredKernels, distinctPerChannel } from "./preserve";
import { applyMasks, computeMasks, disposeMasks, kernelSparsity } from "./prune-magnitude";
import { quantize } from "./quantize";
import { QuantizeParams } from "./quantize.schema";
import { liveTensors, testBackend, testContext, tinyModel, weightTensors } from "./test-util";

const zeroPositions = (m: tf.LayersModel) => kernelLayers(m).map((l) => {
  const v = kernelVariable(l)!.dataSync();
  return Array.from(v.keys()).filter((i) => v[i] === 0);
});

// QAT with a learning rate high enough that one epoch moves every free weight (what would train zeros back).
const qat = (extra: Record<string, unknown> = {}) => QuantizeParams.parse({ mode: "qat", calibrationImages: 32, learningRate: 0.01, ...extra });

describe("sparsity and clusters survive QAT", () => {
  let pruned: tf.LayersModel;
  beforeAll(async () => {
    await testBackend();
    // A pruned model: half of every kernel exactly zero (what the prune stage hands on).
    pruned = tinyModel("bench-cnn", 7);
    const masks = computeMasks(pruned, 0.5, "layer");
    applyMasks(masks);
    disposeMasks(masks);
  });

  it("QAT after pruning keeps every zero where it was, and the stage reports received = kept", async () => {
    const received = zeroPositions(pruned);
    const { ctx, lines } = testContext(pruned);
    const before = liveTensors();
    const result = await quantize.apply(pruned, qat(), ctx);
    expect(liveTensors() - before).toBe(weightTensors(result.model));
    // BatchNorm folding scales channels, never moves a zero: the same positions must still be zero, and nothing more
    // than rounding may add zeros.
    const kept = zeroPositions(result.model);
    received.forEach((zeros, k) => expect(kept[k], `kernel ${k}`).toEqual(expect.arrayContaining(zeros)));
    const report = preservationOf(pruned, result.model);
    expect(report.sparsityReceived).toBeCloseTo(0.5, 2);
    expect(report.sparsityKept).toBeGreaterThanOrEqual(report.sparsityReceived);
    expect(report.sparsityKept).toBeLessThan(report.sparsityReceived + 0.02);
    expect(result.details?.qatPreserved).toMatchObject({ maskedKernels: kernelLayers(pruned).length, clusteredKernels: [] });
    expect(lines.some((l) => l.includes("keeps the zeros"))).toBe(true);
    result.model.dispose();
  });

  it("without preservation QAT trains the zeros back (so the test above can fail)", async () => {
    const { ctx } = testContext(pruned);
    const result = await quantize.apply(pruned, qat({ preserveSparsity: false }), ctx);
    expect(kernelSparsity(result.model).overall).toBeLessThan(0.25);
    result.model.dispose();
  });

  it("QAT after clustering keeps ≤ k values per output channel in every clustered kernel (and their zeros)", async () => {
    const { ctx } = testContext(pruned, { training: { epochs: 1, batchSize: 32, learningRate: 0.003, optimizer: "adam" } });
    const clustered = (await cluster.apply(pruned, ClusterParams.parse({ clusters: 8, epochs: 1 }), ctx)).model;
    try {
      const layers = clusteredKernels(clustered);
      expect(layers.size).toBe(kernelLayers(clustered).length); // every kernel: ≤ 8 values
      const before = liveTensors();
      const result = await quantize.apply(clustered, qat(), testContext(clustered).ctx);
      expect(liveTensors() - before).toBe(weightTensors(result.model));
      for (const layer of kernelLayers(result.model)) expect(distinctPerChannel(layer), layer.name).toBeLessThanOrEqual(8);
      const report = preservationOf(clustered, result.model);
      expect(report.clustersReceived).toBeLessThanOrEqual(8);
      expect(report.clustersKept).toBeLessThanOrEqual(report.clustersReceived!);
      expect(report.sparsityKept).toBeGreaterThanOrEqual(report.sparsityReceived);
      expect(result.details?.qatPreserved).toMatchObject({ clusteredKernels: [...layers.keys()] });
      result.model.dispose();

      // Without it, weight-by-weight QAT spreads the shared values apart.
      const loose = await quantize.apply(clustered, qat({ preserveClusters: false, preserveSparsity: false }), testContext(clustered).ctx);
      expect(preservationOf(clustered, loose.model).clustersKept).toBeGreaterThan(8);
      loose.model.dispose();
    } finally {
      clustered.dispose();
    }
  });

  it("cluster after pruning keeps the zeros (preserveSparsity) and says so", async () => {
    const { ctx } = testContext(pruned);
    const result = await cluster.apply(pruned, ClusterParams.parse({ clusters: 8, epochs: 1 }), ctx);
    const report = preservationOf(pruned, result.model);
    expect(report.sparsityKept).toBeGreaterThanOrEqual(report.sparsityReceived);
    result.model.dispose();
  });
});
