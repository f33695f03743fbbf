/**
 * onnxruntime-node: accuracy on a labelled set, batch-1 latency percentiles and batch-32 throughput,
 * all on the CPU execution provider — the deployment runtime, not tfjs.
 */
import * as ort from "onnxruntime-node";
import { argmaxRows, top1Accuracy } from "../ml/evaluate";
import { pairedSpeedup, percentile, type PairedSpeedup } from "./paired-speedup";

/** ONNX file bytes or a path on disk. */
export type OnnxSource = Uint8Array | string;

export interface SessionOptions {
  /** Intra-op threads; 1 models a single little phone core. */
  threads?: number;
}

export async function createSession(src: OnnxSource, opts: SessionOptions = {}): Promise<ort.InferenceSession> {
  const options: ort.InferenceSession.SessionOptions = {
    executionProviders: ["cpu"],
    intraOpNumThreads: opts.threads ?? 1,
    interOpNumThreads: 1,
    executionMode: "sequential",
    graphOptimizationLevel: "all",
    logSeverityLevel: 3,
  };
  return typeof src === "string" ? ort.InferenceSession.create(src, options) : ort.InferenceSession.create(src, options);
}

/** NHWC (tfjs) → NCHW (the exported model's input layout). */
export function nhwcToNchw(x: Float32Array, [n, h, w, c]: readonly number[], offset = 0): Float32Array {
  const out = new Float32Array(n * c * h * w);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < h; y++)
      for (let xx = 0; xx < w; xx++)
        for (let ch = 0; ch < c; ch++) out[((b * c + ch) * h + y) * w + xx] = x[offset + ((b * h + y) * w + xx) * c + ch];
  return out;
}

const isSource = (s: OnnxSource | ort.InferenceSession): s is OnnxSource => typeof s === "string" || s instanceof Uint8Array;

/** Run the model over NHWC images in batches; returns the row-major [n, outputs] result. */
export async function runOnnx(
  src: OnnxSource | ort.InferenceSession,
  images: Float32Array,
  shape: readonly [number, number, number, number],
  batchSize = 64,
): Promise<{ output: Float32Array; width: number }> {
  const session = isSource(src) ? await createSession(src) : src;
  try {
    const [n, h, w, c] = shape;
    if (images.length !== n * h * w * c) throw new Error(`runOnnx: ${images.length} values for shape [${shape}]`);
    const inputName = session.inputNames[0];
    const outputName = session.outputNames[0];
    let out: Float32Array | undefined;
    let width = 0;
    for (let start = 0; start < n; start += batchSize) {
      const b = Math.min(batchSize, n - start);
      const x = nhwcToNchw(images, [b, h, w, c], start * h * w * c);
      const res = await session.run({ [inputName]: new ort.Tensor("float32", x, [b, c, h, w]) });
      const y = res[outputName].data as Float32Array;
      width = y.length / b;
      out ??= new Float32Array(n * width);
      out.set(y, start * width);
    }
    return { output: out ?? new Float32Array(0), width };
  } finally {
    if (isSource(src)) await session.release();
  }
}

/** Top-1 accuracy of the ONNX model on NHWC images with integer labels. */
export async function evaluateOnnx(
  src: OnnxSource,
  images: Float32Array,
  shape: [number, number, number, number],
  labels: Int32Array | Uint8Array,
): Promise<{ accuracy: number; logits: Float32Array }> {
  if (labels.length !== shape[0]) throw new Error(`evaluateOnnx: ${labels.length} labels for ${shape[0]} images`);
  const { output, width } = await runOnnx(src, images, shape);
  return { accuracy: top1Accuracy(argmaxRows(output, width), labels), logits: output };
}

export { percentile } from "./paired-speedup";

/** Deterministic pseudo-random input in [0, 1): latency must not depend on Math.random. */
function syntheticInput(size: number): Float32Array {
  const x = new Float32Array(size);
  let s = 12345;
  for (let i = 0; i < size; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    x[i] = (s >>> 8) / 16777216;
  }
  return x;
}

export const MIN_LATENCY_RUNS = 200;

/**
 * Batch-1 latency: `warmup` untimed runs, then `runs` (at least 200) timed `session.run` calls.
 * `inputShapeNCHW` is the model input shape; its batch dim is forced to 1.
 */
export async function measureLatency(
  src: OnnxSource,
  inputShapeNCHW: number[],
  opts: { threads?: 1 | 2; warmup?: number; runs?: number } = {},
): Promise<{ p50Ms: number; p95Ms: number; meanMs: number; runs: number; threads: number }> {
  const threads = opts.threads ?? 1;
  const runs = Math.max(MIN_LATENCY_RUNS, opts.runs ?? MIN_LATENCY_RUNS);
  const shape = [1, ...inputShapeNCHW.slice(1)];
  const session = await createSession(src, { threads });
  try {
    const feeds = { [session.inputNames[0]]: new ort.Tensor("float32", syntheticInput(shape.reduce((a, b) => a * b, 1)), shape) };
    for (let i = 0; i < (opts.warmup ?? 20); i++) await session.run(feeds);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = process.hrtime.bigint();
      await session.run(feeds);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    times.sort((a, b) => a - b);
    return {
      p50Ms: percentile(times, 50),
      p95Ms: percentile(times, 95),
      meanMs: times.reduce((a, b) => a + b, 0) / times.length,
      runs,
      threads,
    };
  } finally {
    await session.release();
  }
}

/** Images per second at batch 32 (or `batch`), after warm-up. */
export async function measureThroughput(
  src: OnnxSource,
  inputShapeNCHW: number[],
  opts: { threads?: 1 | 2; batch?: number; warmup?: number; runs?: number } = {},
): Promise<{ imagesPerSec: number; batch: number; threads: number }> {
  const batch = opts.batch ?? 32;
  const threads = opts.threads ?? 1;
  const shape = [batch, ...inputShapeNCHW.slice(1)];
  const session = await createSession(src, { threads });
  try {
    const feeds = { [session.inputNames[0]]: new ort.Tensor("float32", syntheticInput(shape.reduce((a, b) => a * b, 1)), shape) };
    for (let i = 0; i < (opts.warmup ?? 3); i++) await session.run(feeds);
    const runs = opts.runs ?? 20;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < runs; i++) await session.run(feeds);
    const sec = Number(process.hrtime.bigint() - t0) / 1e9;
    return { imagesPerSec: (batch * runs) / sec, batch, threads };
  } finally {
    await session.release();
  }
}

/** Everything a stage records about runtime speed, in one call. */
export async function measureRuntime(src: OnnxSource, inputShapeNCHW: number[], runs = MIN_LATENCY_RUNS) {
  const t1 = await measureLatency(src, inputShapeNCHW, { threads: 1, runs });
  const t2 = await measureLatency(src, inputShapeNCHW, { threads: 2, runs });
  const tp = await measureThroughput(src, inputShapeNCHW, { threads: 1 });
  return { p50Ms1t: t1.p50Ms, p95Ms1t: t1.p95Ms, p50Ms2t: t2.p50Ms, p95Ms2t: t2.p95Ms, imagesPerSec1t: tp.imagesPerSec };
}

export interface PairedLatencyOptions {
  /** Interleaved rounds; each gives one baseline/candidate ratio. */
  rounds?: number;
  /** Timed batch-1 runs per model per round; the round's latency of a model is their median. */
  runsPerRound?: number;
  warmup?: number;
}

export interface PairedLatency {
  speedup: PairedSpeedup;
  /** Median batch-1 latency of each model over all its interleaved runs. */
  baselineP50Ms: number;
  candidateP50Ms: number;
  threads: 1;
}

/**
 * The candidate's speed relative to the baseline, both measured in this process at 1 thread, interleaved round
 * by round (A B, then B A, … so neither always runs first) — see paired-speedup.ts for why pairs, not two p50s.
 */
export async function measurePairedLatency(
  baseline: OnnxSource,
  candidate: OnnxSource,
  inputShapeNCHW: number[],
  opts: PairedLatencyOptions = {},
): Promise<PairedLatency> {
  const rounds = opts.rounds ?? 21;
  const perRound = opts.runsPerRound ?? 10;
  const shape = [1, ...inputShapeNCHW.slice(1)];
  const sessions = [await createSession(baseline, { threads: 1 }), await createSession(candidate, { threads: 1 })];
  try {
    const feeds = sessions.map((s) => ({ [s.inputNames[0]]: new ort.Tensor("float32", syntheticInput(shape.reduce((a, b) => a * b, 1)), shape) }));
    for (let i = 0; i < (opts.warmup ?? 20); i++) for (const [k, s] of sessions.entries()) await s.run(feeds[k]);
    const perModel: number[][] = [[], []]; // round medians
    const all: number[][] = [[], []];
    for (let r = 0; r < rounds; r++) {
      for (const k of r % 2 === 0 ? [0, 1] : [1, 0]) {
        const times: number[] = [];
        for (let i = 0; i < perRound; i++) {
          const t0 = process.hrtime.bigint();
          await sessions[k].run(feeds[k]);
          times.push(Number(process.hrtime.bigint() - t0) / 1e6);
        }
        times.sort((x, y) => x - y);
        perModel[k].push(percentile(times, 50));
        all[k].push(...times);
      }
    }
    const p50 = (xs: number[]) => percentile([...xs].sort((x, y) => x - y), 50);
    return { speedup: pairedSpeedup(perModel[0], perModel[1]), baselineP50Ms: p50(all[0]), candidateP50Ms: p50(all[1]), threads: 1 };
  } finally {
    for (const s of sessions) await s.release();
  }
}
