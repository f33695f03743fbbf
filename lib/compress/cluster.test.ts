import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { exportOnnx } from "../onnx/export";
import { sizeOf } from "../onnx/size";
import { cluster, clusterKernel, kmeans1d, sharedKernel } from "./cluster";
import { ClusterParams } from "./cluster.schema";
import { kernelLayers, kernelVariable } from "./model-graph";
import { liveTensors, testBackend, testContext, tinyModel, weightTensors } from "./test-util";

beforeAll(async () => {
  await testBackend();
});

const distinct = (m: tf.LayersModel) => kernelLayers(m).map((l) => new Set(kernelVariable(l)!.dataSync()).size);

describe("kmeans1d", () => {
  it("finds well separated clusters", () => {
    const values = Float32Array.from([0.1, 0.11, 0.09, 5, 5.1, 4.9, -3, -3.1]);
    const { centroids, assignment } = kmeans1d(values, 3, "linear");
    expect(Array.from(centroids).map((c) => Math.round(c * 100) / 100)).toEqual([-3.05, 0.1, 5]);
    expect(Array.from(assignment)).toEqual([1, 1, 1, 2, 2, 2, 0, 0]);
  });
});

describe("cluster", () => {
  it("leaves ≤ k distinct values per layer and a smaller gzip, without leaks", async () => {
    const input = tinyModel("bench-cnn", 3);
    const { ctx, epochs } = testContext(input);
    const before = liveTensors();
    const result = await cluster.apply(input, ClusterParams.parse({ clusters: 8, init: "density" }), ctx);
    expect(liveTensors() - before).toBe(weightTensors(result.model));
    expect(Math.max(...distinct(result.model))).toBeLessThanOrEqual(8);
    expect(Math.min(...distinct(input))).toBeGreaterThan(8);
    expect(epochs[0].loss).toBeLessThan(Math.log(4) * 1.5);
    const gz = (m: tf.LayersModel) => sizeOf(exportOnnx(m, { precision: "fp32" })).gzipBytes;
    expect(gz(result.model)).toBeLessThan(gz(input) * 0.6);
    result.model.dispose();
    input.dispose();
  });
});

describe("cluster on a model whose kernels already have few values", () => {
  it("clusters every kernel and keeps each at ≤ k values through fine-tuning, also when re-clustering", async () => {
    const input = tinyModel("bench-cnn", 6);
    const params = ClusterParams.parse({ clusters: 8, epochs: 1 });
    const once = await cluster.apply(input, params, testContext(input).ctx);
    expect(Math.max(...distinct(once.model))).toBeLessThanOrEqual(8);
    // Every kernel now has ≤ 8 values: a second clustering must still hold all of them at their centroids while
    // fine-tuning moves the weights.
    const before = liveTensors();
    const twice = await cluster.apply(once.model, params, testContext(once.model).ctx);
    expect(liveTensors() - before).toBe(weightTensors(twice.model));
    expect(twice.details!.clusteredLayers).toEqual(kernelLayers(twice.model).map((l) => l.name));
    expect(distinct(twice.model).every((n) => n <= 8)).toBe(true);
    // Fine-tuning did move the shared values (so the bound above is kept, not trivially inherited).
    const moved = kernelLayers(twice.model).some((l, i) => {
      const a = kernelVariable(l)!.dataSync();
      const b = kernelVariable(kernelLayers(once.model)[i])!.dataSync();
      return a.some((v, j) => v !== b[j]);
    });
    expect(moved).toBe(true);
    for (const m of [input, once.model, twice.model]) m.dispose();
  });
});

describe("shared kernel gradient", () => {
  it("is, per centroid, the sum of the gradients of the weights in its cluster", () => {
    const model = tinyModel("bench-cnn", 5);
    const layer = kernelLayers(model)[1];
    const c = clusterKernel(layer, 4, ClusterParams.parse({ clusters: 4 }));
    const upstream = tf.randomNormal(kernelVariable(layer)!.shape, 0, 1, "float32", 9);
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(sharedKernel(c), upstream)) as tf.Scalar, [c.centroids]);
    const got = grads[c.centroids.name].dataSync();
    const a = c.assignment.dataSync();
    const u = upstream.dataSync();
    const expected = new Float64Array(4);
    for (let i = 0; i < a.length; i++) expected[a[i]] += u[i];
    expected.forEach((v, j) => expect(got[j]).toBeCloseTo(v, 3));
    tf.dispose([upstream, grads[c.centroids.name], c.centroids, c.assignment, c.order, c.bounds.starts, c.bounds.ends]);
    model.dispose();
  });
});
