// Shared helpers for the backend tests: seeded random data, shape cases covering strides 1/2, same/valid/explicit
// padding, dilation, channel multiplier > 1, batch 1 and > 1, odd sizes; comparison against the cpu backend; and
// describeOnBackends, which registers one suite on every backend (tfjs's describeWithFlags(…, ALL_ENVS)).
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect } from "vitest";
import { setupBackend } from "./index";
import { loadNative } from "./native";
import { kernelStats } from "./onednn";

const SEED = 12345;
let seed = SEED;
/** Restart the random sequence, so that every backend's copy of a suite draws the same cases and data. */
export function reseed(): void {
  seed = SEED;
}
/** Deterministic uniform [-1, 1) (mulberry32). */
export function rand(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
}
export function randomArray(shape: readonly number[]): Float32Array {
  const a = new Float32Array(shape.reduce((p, d) => p * d, 1));
  for (let i = 0; i < a.length; i++) a[i] = rand();
  return a;
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(((rand() + 1) / 2) * xs.length)];

/** Runs fn on a backend and returns its result's values (fn creates its inputs there). */
export async function runOn(backend: string, fn: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const out = tf.tidy(fn);
  const list = Array.isArray(out) ? out : [out];
  const values = await Promise.all(list.map(async (t) => Float32Array.from(await t.data() as Float32Array)));
  tf.dispose(list);
  return values;
}

/** max |a-b| / max(max |b|, floor) <= tol, per output (floor: gradients that are zero up to rounding, such as a
 *  bias followed by batch norm, have no scale of their own). */
export function expectClose(actual: Float32Array[], expected: Float32Array[], tol = 1e-4, floor = 1e-6): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, k) => {
    const e = expected[k];
    expect(a.length).toBe(e.length);
    let diff = 0, scale = floor;
    for (let i = 0; i < e.length; i++) {
      diff = Math.max(diff, Math.abs(a[i] - e[i]));
      scale = Math.max(scale, Math.abs(e[i]));
      if (Number.isNaN(a[i]) !== Number.isNaN(e[i])) diff = Infinity;
    }
    expect(diff / scale, `output ${k}: max abs diff ${diff}, max abs ref ${scale}`).toBeLessThanOrEqual(tol);
  });
}

type Pad = "same" | "valid" | tf.backend_util.ExplicitPadding;
export interface ConvCase {
  label: string; xShape: [number, number, number, number]; fShape: [number, number, number, number];
  outShape: [number, number, number, number]; strides: [number, number]; dilations: [number, number]; pad: Pad;
}

function makeCase(n: number, h: number, w: number, c: number, k: number, oc: number, s: number, d: number,
  pad: Pad, depthwise: boolean): ConvCase {
  const xShape: ConvCase["xShape"] = [n, h, w, c];
  const fShape: ConvCase["fShape"] = [k, k, c, oc];
  const info = tf.backend_util.computeConv2DInfo(xShape, fShape, [s, s], [d, d], pad, undefined, depthwise);
  return {
    label: `x=${xShape} f=${fShape} s=${s} d=${d} pad=${JSON.stringify(pad)}`,
    xShape, fShape, outShape: info.outShape as ConvCase["outShape"], strides: [s, s], dilations: [d, d], pad,
  };
}

/** Conv2D cases; dilation only where stride is 1 (tfjs allows one or the other). withDilation=false for the
 *  filter gradient, which tfjs defines for dilation 1 only. */
export function convCases(withDilation = false): ConvCase[] {
  const cases: ConvCase[] = [
    makeCase(1, 5, 5, 1, 3, 2, 1, 1, "same", false),
    makeCase(2, 28, 28, 1, 3, 8, 1, 1, "same", false), // bench-cnn's first layer, small batch
    makeCase(3, 14, 14, 8, 3, 16, 2, 1, "same", false),
    makeCase(2, 7, 9, 5, 1, 6, 1, 1, "valid", false),
    makeCase(1, 8, 8, 4, 3, 4, 2, 1, "valid", false),
    makeCase(2, 9, 7, 3, 3, 5, 2, 1, [[0, 0], [1, 2], [0, 1], [0, 0]], false),
  ];
  if (withDilation) {
    cases.push(makeCase(2, 11, 11, 3, 3, 4, 1, 2, "same", false));
    cases.push(makeCase(1, 10, 9, 2, 3, 3, 1, 2, "valid", false));
  }
  for (let i = 0; i < 3; i++) { // randomized
    const s = pick([1, 2]);
    const d = withDilation && s === 1 ? pick([1, 2]) : 1;
    cases.push(makeCase(pick([1, 2, 3]), pick([5, 6, 9, 12]), pick([5, 7, 10]), pick([1, 3, 8]), pick([1, 3, 5]),
      pick([2, 4, 7]), s, d, pick(["same", "valid"] as const), false));
  }
  return cases;
}

/** DepthwiseConv2dNative cases: fShape is [k, k, c, multiplier], outShape has c*multiplier channels. */
export function depthwiseCases(): ConvCase[] {
  const cases: ConvCase[] = [
    makeCase(2, 14, 14, 8, 3, 1, 1, 1, "same", true),
    makeCase(1, 7, 9, 3, 3, 2, 2, 1, "same", true),
    makeCase(3, 9, 9, 4, 3, 3, 1, 2, "valid", true),
    makeCase(2, 10, 11, 5, 5, 2, 2, 1, "valid", true),
    makeCase(1, 6, 6, 2, 3, 1, 1, 2, "same", true),
  ];
  for (let i = 0; i < 3; i++) {
    const s = pick([1, 2]);
    cases.push(makeCase(pick([1, 2, 3]), pick([5, 8, 11]), pick([6, 9]), pick([1, 4, 6]), pick([1, 3]),
      pick([1, 2, 3]), s, s === 1 ? pick([1, 2]) : 1, pick(["same", "valid"] as const), true));
  }
  return cases;
}

/** A [k,k,c,m] filter with (d-1) zeros between taps: the undilated equivalent of a dilated filter. tfjs's cpu
 *  depthwise gradient kernels ignore dilation, so the dilated cases are checked through this identity. */
export function dilateFilter(f: Float32Array, shape: number[], d: number): { values: Float32Array; shape: number[] } {
  const [kh, kw, c, m] = shape;
  const eh = (kh - 1) * d + 1, ew = (kw - 1) * d + 1;
  const out = new Float32Array(eh * ew * c * m);
  for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) {
    out.set(f.subarray((i * kw + j) * c * m, (i * kw + j + 1) * c * m), (i * d * ew + j * d) * c * m);
  }
  return { values: out, shape: [eh, ew, c, m] };
}

/** The taps of an expanded-filter gradient that belong to the dilated filter (inverse of dilateFilter). */
export function undilateFilter(g: Float32Array, shape: number[], d: number): Float32Array {
  const [kh, kw, c, m] = shape;
  const ew = (kw - 1) * d + 1;
  const out = new Float32Array(kh * kw * c * m);
  for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) {
    out.set(g.subarray((i * d * ew + j * d) * c * m, (i * d * ew + j * d + 1) * c * m), (i * kw + j) * c * m);
  }
  return out;
}

/** cpu reference for the depthwise gradients, correct for dilation > 1 too. */
export async function depthwiseGradReference(kind: "filter" | "input", c: ConvCase, a: Float32Array,
  dy: Float32Array): Promise<Float32Array[]> {
  const d = c.dilations[0];
  const attrs = { strides: c.strides, dilations: [1, 1], pad: c.pad, dimRoundingMode: undefined };
  if (kind === "filter") {
    const eShape = dilateFilter(new Float32Array(0), c.fShape, d).shape;
    const [g] = await runOn("cpu", () => tf.engine().runKernel("DepthwiseConv2dNativeBackpropFilter",
      { x: tf.tensor(a, c.xShape), dy: tf.tensor(dy, c.outShape) }, { ...attrs, filterShape: eShape } as unknown as tf.NamedAttrMap) as tf.Tensor);
    return [undilateFilter(g, c.fShape, d)];
  }
  const e = dilateFilter(a, c.fShape, d);
  return runOn("cpu", () => tf.engine().runKernel("DepthwiseConv2dNativeBackpropInput",
    { dy: tf.tensor(dy, c.outShape), filter: tf.tensor(e.values, e.shape) }, { ...attrs, inputShape: c.xShape } as unknown as tf.NamedAttrMap,
  ) as tf.Tensor);
}

/** A backend the kernel suite runs on. */
export interface BackendUnderTest {
  name: "cpu" | "wasm" | "onednn";
  /** Why it cannot run here (reported as the skip reason), or null. */
  unavailable(): string | null;
  setup(): Promise<void>;
  /** fn's outputs computed on this backend (fn creates its inputs there). */
  run(fn: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]>;
}

/** The backend every other one is compared with. */
export const REFERENCE = "cpu";

export const ALL_BACKENDS: BackendUnderTest[] = [
  {
    name: "cpu",
    unavailable: () => null,
    setup: async () => void (await tf.setBackend("cpu")),
    run: (fn) => runOn("cpu", fn),
  },
  {
    name: "wasm",
    unavailable: () => null, // part of the npm dependencies: always here
    setup: async () => void (await setupBackend("wasm")),
    run: (fn) => runOn("wasm", fn),
  },
  {
    name: "onednn",
    unavailable: () => {
      const native = loadNative();
      return "missing" in native ? native.missing : null;
    },
    setup: async () => {
      const info = await setupBackend("onednn");
      if (info.name !== "onednn") throw new Error(`onednn did not load: ${info.warning}`);
    },
    // The native path must have run: a silent fallback to the cpu kernels would compare cpu with cpu.
    run: async (fn) => {
      const before = { ...kernelStats };
      const out = await runOn("onednn", fn);
      expect(kernelStats.fallback, "a native kernel fell back to cpu").toBe(before.fallback);
      expect(kernelStats.native, "no native kernel ran").toBeGreaterThan(before.native);
      return out;
    },
  },
];

/**
 * Registers `body` once per backend as "name [backend]". The reference backend and the backends not available
 * here are registered as skipped, with the reason in the title, so a missing backend shows in the report instead
 * of vanishing. Each copy restarts the random sequence: every backend sees the same cases and data.
 */
export function describeOnBackends(name: string, body: (backend: BackendUnderTest) => void, backends = ALL_BACKENDS): void {
  for (const backend of backends) {
    const why = backend.name === REFERENCE ? `the reference the others are compared with` : backend.unavailable();
    (why ? describe.skip : describe)(`${name} [${backend.name}]${why ? ` (skipped: ${why})` : ""}`, () => {
      beforeAll(() => backend.setup());
      reseed();
      body(backend);
    });
  }
}
