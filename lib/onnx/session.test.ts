import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { exportOnnx } from "./export";
import { noMeasurableChange } from "./paired-speedup";
import { evaluateOnnx, measureLatency, measurePairedLatency, measureThroughput, nhwcToNchw, percentile } from "./session";
import { sizeOf } from "./size";
import { plainCnn, randomImages, randomizeWeights } from "./test-models";
import { predictTfjs } from "./verify";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("onnxruntime-node measurements", () => {
  const model = plainCnn();
  randomizeWeights(model, 2);
  const bytes = exportOnnx(model, { precision: "fp32" });

  it("latency: ≥ 200 timed runs, sane percentiles, both thread counts", async () => {
    for (const threads of [1, 2] as const) {
      const r = await measureLatency(bytes, [1, 3, 12, 12], { threads, runs: 10, warmup: 5 });
      expect(r.runs).toBeGreaterThanOrEqual(200); // a smaller request is raised to the minimum
      expect(r.threads).toBe(threads);
      expect(r.p50Ms).toBeGreaterThan(0);
      expect(r.p50Ms).toBeLessThanOrEqual(r.p95Ms);
      expect(r.p95Ms).toBeLessThan(1000);
    }
  });

  it("paired latency: a dense model compared with itself shows no measurable change (spread covers 1.0×)", async () => {
    const r = await measurePairedLatency(bytes, bytes, [1, 3, 12, 12], { rounds: 15, runsPerRound: 10, warmup: 10 });
    expect(r.speedup.rounds).toBe(15);
    expect(r.speedup.low).toBeLessThanOrEqual(r.speedup.median);
    expect(r.speedup.median).toBeLessThanOrEqual(r.speedup.high);
    expect(noMeasurableChange(r.speedup)).toBe(true);
    expect(r.baselineP50Ms).toBeGreaterThan(0);
    expect(r.candidateP50Ms).toBeGreaterThan(0);
  });

  it("throughput at batch 32", async () => {
    const r = await measureThroughput(bytes, [1, 3, 12, 12], { runs: 5 });
    expect(r.batch).toBe(32);
    expect(r.imagesPerSec).toBeGreaterThan(0);
  });

  it("evaluateOnnx scores NHWC images like tfjs", async () => {
    const n = 20;
    const imgs = randomImages(n, 12, 12, 3, 4);
    const ref = predictTfjs(model, imgs, [n, 12, 12, 3]);
    const labels = Int32Array.from({ length: n }, (_, i) => {
      const row = ref.subarray(i * 10, i * 10 + 10);
      const top = row.indexOf(Math.max(...row));
      return i < 15 ? top : (top + 1) % 10; // 15 of 20 right
    });
    const r = await evaluateOnnx(bytes, imgs, [n, 12, 12, 3], labels);
    expect(r.accuracy).toBeCloseTo(0.75, 6);
    expect(r.logits).toHaveLength(n * 10);
  });

  it("helpers: NHWC→NCHW, nearest-rank percentile, gzip size", () => {
    expect(Array.from(nhwcToNchw(Float32Array.of(1, 2, 3, 4, 5, 6), [1, 1, 2, 3]))).toEqual([1, 4, 2, 5, 3, 6]);
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 95)).toBe(95);
    const s = sizeOf(bytes);
    expect(s.bytes).toBe(bytes.length);
    expect(s.gzipBytes).toBeGreaterThan(0);
    expect(s.gzipBytes).toBeLessThan(s.bytes);
  });
});
