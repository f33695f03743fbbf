// Every kernel case once, run on every backend (cpu, wasm, onednn), each result compared with the cpu backend's:
// a case added here is checked everywhere. onednn also proves its native path ran (no silent cpu fallback).
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { BN_ACTIVATIONS, TRAIN_KERNEL } from "./kernels/batchnorm";
import {
  convCases, depthwiseCases, depthwiseGradReference, describeOnBackends, expectClose, randomArray, runOn,
} from "./test-util";

const k = (name: string, inputs: Record<string, tf.Tensor>, attrs: object) =>
  tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor;

/**
 * Cases a backend is known to get wrong, found when this suite first ran every case on wasm (2026-12): stock
 * @tensorflow/tfjs-backend-wasm 4.22 kernels that disagree with both cpu and onednn. They run as `it.fails`, so
 * the report shows them and a fix (ours or upstream's) turns them red until the mark is removed.
 */
function knownWrong(backend: string, kernel: "MaxPoolGrad" | "_FusedMatMul", transposed = false): string | null {
  if (backend !== "wasm") return null;
  // A window whose values are all negative gets no gradient; behind a ReLU (small-cnn's pools) none is.
  if (kernel === "MaxPoolGrad") return "tfjs-backend-wasm's MaxPoolGrad drops all-negative windows";
  return transposed ? "tfjs-backend-wasm's _FusedMatMul with transposeA or transposeB (tfjs-layers' Dense does not transpose)" : null;
}
const itUnless = (why: string | null) => (why ? it.fails : it);
const known = (why: string | null) => (why ? ` — known wrong: ${why}` : "");

describeOnBackends("kernels match cpu", (backend) => {
  const both = async (fn: () => tf.Tensor | tf.Tensor[]) => expectClose(await backend.run(fn), await runOn("cpu", fn));

  describe("conv", () => {
    for (const c of convCases(true)) {
      const attrs = { strides: c.strides, pad: c.pad, dataFormat: "NHWC", dilations: c.dilations };
      const x = randomArray(c.xShape), f = randomArray(c.fShape), dy = randomArray(c.outShape);
      const bias = randomArray([c.fShape[3]]);
      it(`Conv2D ${c.label}`, () => both(() => k("Conv2D", { x: tf.tensor(x, c.xShape), filter: tf.tensor(f, c.fShape) }, attrs)));
      for (const activation of ["linear", "relu", "relu6"]) {
        it(`FusedConv2D ${activation} ${c.label}`, () => both(() => k("FusedConv2D",
          { x: tf.tensor(x, c.xShape), filter: tf.tensor(f, c.fShape), bias: tf.tensor(bias) },
          { ...attrs, activation })));
      }
      if (c.dilations[0] > 1) continue; // tfjs defines the conv gradients for dilation 1 only
      it(`Conv2DBackpropInput ${c.label} (eager, then deferred)`, async () => {
        const run = () => k("Conv2DBackpropInput",
          { dy: tf.tensor(dy, c.outShape), filter: tf.tensor(f, c.fShape) }, { ...attrs, inputShape: c.xShape });
        await both(run); // first call of a shape: computed at once
        await both(run); // later calls: computed when read
      });
      it(`Conv2DBackpropFilter ${c.label}`, () => both(() => k("Conv2DBackpropFilter",
        { x: tf.tensor(x, c.xShape), dy: tf.tensor(dy, c.outShape) }, { ...attrs, filterShape: c.fShape })));
    }
  });

  describe("depthwise", () => {
    for (const c of depthwiseCases()) {
      const attrs = { strides: c.strides, pad: c.pad, dilations: c.dilations };
      const x = randomArray(c.xShape), f = randomArray(c.fShape), dy = randomArray(c.outShape);
      it(`DepthwiseConv2dNative ${c.label}`, () => both(() => k("DepthwiseConv2dNative",
        { x: tf.tensor(x, c.xShape), filter: tf.tensor(f, c.fShape) }, attrs)));
      it(`DepthwiseConv2dNativeBackpropInput ${c.label} (eager, then deferred)`, async () => {
        const expected = await depthwiseGradReference("input", c, f, dy);
        for (let i = 0; i < 2; i++) {
          expectClose(await backend.run(() => k("DepthwiseConv2dNativeBackpropInput",
            { dy: tf.tensor(dy, c.outShape), filter: tf.tensor(f, c.fShape) }, { ...attrs, inputShape: c.xShape })),
          expected);
        }
      });
      it(`DepthwiseConv2dNativeBackpropFilter ${c.label}`, async () => expectClose(
        await backend.run(() => k("DepthwiseConv2dNativeBackpropFilter",
          { x: tf.tensor(x, c.xShape), dy: tf.tensor(dy, c.outShape) }, { ...attrs, filterShape: c.fShape })),
        await depthwiseGradReference("filter", c, x, dy)));
    }
  });

  describe("eltwise", () => {
    const pairs: [number[], number[]][] = [
      [[2, 5, 5, 3], [2, 5, 5, 3]], [[2, 5, 5, 3], [3]], [[3], [2, 5, 5, 3]], [[2, 5, 5, 3], [1, 1, 1, 3]],
      [[2, 5, 5, 3], []], [[], [4, 7]], [[2, 1, 1, 3], [2, 5, 5, 3]], [[3, 1], [1, 4]], [[7, 1, 5], [7, 6, 1]],
      [[64, 28, 28, 8], [8]], [[1], [9]],
    ];
    for (const op of ["Add", "Sub", "Multiply", "RealDiv", "SquaredDifference"]) {
      for (const [sa, sb] of pairs) {
        const a = randomArray(sa), b = randomArray(sb);
        it(`${op} ${JSON.stringify(sa)} ${JSON.stringify(sb)}`, () =>
          both(() => k(op, { a: tf.tensor(a, sa), b: tf.tensor(b, sb) }, {})));
      }
    }
    const unary: [string, object][] = [["Square", {}], ["Sqrt", {}], ["Rsqrt", {}], ["Neg", {}], ["Relu", {}],
      ["Relu6", {}], ["Exp", {}], ["Log", {}], ["Reciprocal", {}], ["Step", { alpha: 0 }], ["Step", { alpha: 0.3 }],
      ["ClipByValue", { clipValueMin: -0.5, clipValueMax: 0.25 }], ["LeakyRelu", { alpha: 0.2 }], ["Abs", {}],
      ["Sigmoid", {}]];
    for (const [op, attrs] of unary) {
      const shape = [3, 7, 5, 4];
      const positive = ["Sqrt", "Rsqrt", "Log", "Reciprocal"].includes(op);
      const x = randomArray(shape).map((v) => (positive ? Math.abs(v) + 0.1 : v * 8));
      it(`${op} ${JSON.stringify(attrs)}`, () => both(() => k(op, { x: tf.tensor(x, shape) }, attrs)));
    }
    for (const op of ["relu", "relu6", "square"] as const) {
      const shape = [4, 9, 9, 8];
      const x = randomArray(shape).map((v) => v * 8), w = randomArray(shape);
      it(`${op} gradient (one native pass)`, () => both(() =>
        tf.grad((t: tf.Tensor) => tf[op](t).mul(tf.tensor(w, shape)).sum())(tf.tensor(x, shape))));
    }
    // [0, 6] is tfjs-layers' ReLU(maxValue 6), MobileNetV2's activation; the bounds themselves pass the gradient
    for (const [lo, hi] of [[0, 6], [-0.5, 0.25]]) {
      const shape = [4, 9, 9, 8];
      const x = randomArray(shape).map((v, i) => (i % 17 === 0 ? lo : i % 19 === 0 ? hi : v * 8)), w = randomArray(shape);
      it(`clipByValue [${lo}, ${hi}] gradient (one native pass)`, () => both(() =>
        tf.grad((t: tf.Tensor) => tf.clipByValue(t, lo, hi).mul(tf.tensor(w, shape)).sum())(tf.tensor(x, shape))));
    }
    it("Cast int32/bool → float32 gives float storage the native kernels take (Sum of a cast count)", () => both(() => [
      tf.sum(tf.cast(tf.tensor2d([[1, 2, 3], [4, 5, 6]], [2, 3], "int32"), "float32"), 0),
      tf.sum(tf.cast(tf.tensor1d([1, 0, 1, 1], "bool"), "float32")),
    ]));
    const reductions: [number[], number[], boolean][] = [
      [[64, 14, 14, 32], [0, 1, 2], false], [[4, 6, 6, 8], [1, 2], false], [[4, 6, 6, 8], [1, 2], true],
      [[5, 7], [1], false], [[5, 7], [0], true], [[3, 4, 5], [0, 1, 2], false], [[3, 4, 5], [2, 0, 1], true],
    ];
    for (const op of ["Sum", "Mean"]) {
      for (const [shape, axis, keepDims] of reductions) {
        const x = randomArray(shape);
        it(`${op} ${JSON.stringify(shape)} axes ${axis} keepDims ${keepDims}`, () =>
          both(() => k(op, { x: tf.tensor(x, shape) }, { axis, keepDims })));
      }
    }
    for (const [shape, reps] of [[[1, 1, 1, 8], [4, 5, 5, 1]], [[3, 1], [1, 4]], [[1, 6], [3, 1]]]) {
      const x = randomArray(shape);
      it(`Tile ${JSON.stringify(shape)} x ${JSON.stringify(reps)}`, () =>
        both(() => k("Tile", { x: tf.tensor(x, shape) }, { reps })));
    }
  });

  describe("batchnorm", () => {
    for (const [shape, withScale, withOffset] of [[[4, 5, 5, 6], true, true], [[2, 3, 3, 8], false, true],
      [[3, 7], true, false], [[64, 7, 7, 16], true, true]] as [number[], boolean, boolean][]) {
      const C = shape[shape.length - 1];
      const x = randomArray(shape), m = randomArray([C]), v = randomArray([C]).map((e) => Math.abs(e) + 0.2);
      const sc = randomArray([C]), off = randomArray([C]), dy = randomArray(shape);
      const label = `${JSON.stringify(shape)} scale ${withScale} offset ${withOffset}`;
      it(`FusedBatchNorm ${label}`, () => both(() => tf.batchNorm(tf.tensor(x, shape), tf.tensor(m), tf.tensor(v),
        withOffset ? tf.tensor(off) : undefined, withScale ? tf.tensor(sc) : undefined, 1e-3)));
      // tfjs-core itself cannot differentiate batchNorm without scale or offset (undefined saved inputs), on any backend
      if (!withScale || !withOffset) continue;
      it(`FusedBatchNorm gradient (LabBatchNormGrad) ${label}`, () => both(() => {
        const ins = [tf.tensor(x, shape), tf.tensor(m), tf.tensor(v)];
        if (withScale) ins.push(tf.tensor(sc));
        if (withOffset) ins.push(tf.tensor(off));
        const f = (...t: tf.Tensor[]) => tf.batchNorm(t[0], t[1], t[2], withOffset ? t[t.length - 1] : undefined,
          withScale ? t[3] : undefined, 1e-3).mul(tf.tensor(dy, shape)).sum();
        return tf.grads(f)(ins);
      }));
      it(`training-mode batch norm in one kernel (LabBatchNormTrain) vs tf.moments ${label}`, () => both(() => {
        // outputs [y, mean, variance] and the gradients for x, scale and offset, with a batch far from zero mean
        const xs = tf.tensor(x.map((e, i) => e * 3 + 5 + (i % C)), shape);
        const params = [tf.tensor(sc), tf.tensor(off)];
        const axes = shape.slice(0, -1).map((_, i) => i);
        const f = (xt: tf.Tensor, scale: tf.Tensor, offset: tf.Tensor): tf.Tensor[] => {
          if (tf.getBackend() === "onednn") {
            return tf.engine().runKernel(TRAIN_KERNEL, { x: xt, scale, offset }, { varianceEpsilon: 1e-3 }) as tf.Tensor[];
          }
          const { mean, variance } = tf.moments(xt, axes);
          return [tf.batchNorm(xt, mean, variance, offset, scale, 1e-3), mean, variance];
        };
        const loss = (xt: tf.Tensor, scale: tf.Tensor, offset: tf.Tensor) =>
          f(xt, scale, offset)[0].mul(tf.tensor(dy, shape)).sum();
        return [...f(xs, params[0], params[1]), ...tf.grads(loss)([xs, ...params])];
      }));
      for (const act of ["relu", "relu6"] as const) {
        it(`training-mode batch norm fused with ${act} (LabBatchNormTrain activation) ${label}`, () => both(() => {
          // outputs and gradients of act(batchNorm(x)); on the reference backends the two ops, on onednn one kernel
          const xs = tf.tensor(x.map((e, i) => e * 6 + (i % C) - 1), shape);
          const params = [tf.tensor(sc.map((v) => v * 8)), tf.tensor(off)]; // outputs beyond both relu6 bounds
          expect(sc.some((v) => Math.abs(v * 8) > 6)).toBe(true);
          const axes = shape.slice(0, -1).map((_, i) => i);
          const f = (xt: tf.Tensor, scale: tf.Tensor, offset: tf.Tensor): tf.Tensor => {
            if (tf.getBackend() === "onednn") {
              return (tf.engine().runKernel(TRAIN_KERNEL, { x: xt, scale, offset },
                { varianceEpsilon: 1e-3, activation: BN_ACTIVATIONS[act] }) as tf.Tensor[])[0];
            }
            const { mean, variance } = tf.moments(xt, axes);
            const y = tf.batchNorm(xt, mean, variance, offset, scale, 1e-3);
            return act === "relu" ? tf.relu(y) : tf.relu6(y);
          };
          const loss = (xt: tf.Tensor, scale: tf.Tensor, offset: tf.Tensor) =>
            f(xt, scale, offset).mul(tf.tensor(dy, shape)).sum();
          return [f(xs, params[0], params[1]), ...tf.grads(loss)([xs, ...params])];
        }));
      }
      it(`training-mode batch norm through tf.moments ${label}`, () => both(() => {
        const axes = shape.slice(0, -1).map((_, i) => i);
        const f = (xt: tf.Tensor) => {
          const { mean, variance } = tf.moments(xt, axes);
          return tf.batchNorm(xt, mean, variance, tf.tensor(off), tf.tensor(sc), 1e-3).mul(tf.tensor(dy, shape)).sum();
        };
        return tf.grads(f)([tf.tensor(x, shape)]);
      }));
    }
  });

  describe("matmul", () => {
    const cases: [number[], number[], boolean, boolean][] = [[[64, 64], [64, 10], false, false],
      [[64, 64], [64, 10], true, false], [[64, 10], [64, 10], false, true], [[7, 5], [3, 7], true, true],
      [[3, 4, 5], [3, 5, 6], false, false], [[1, 4, 5], [3, 6, 5], false, true], [[2, 5, 4], [1, 5, 3], true, false]];
    for (const [sa, sb, transposeA, transposeB] of cases) {
      const a = randomArray(sa), b = randomArray(sb);
      const label = `${JSON.stringify(sa)} x ${JSON.stringify(sb)} tA ${transposeA} tB ${transposeB}`;
      it(`BatchMatMul ${label}`, () => both(() => k("BatchMatMul", { a: tf.tensor(a, sa), b: tf.tensor(b, sb) },
        { transposeA, transposeB })));
      if (sa.length !== 2) continue;
      const n = transposeB ? sb[0] : sb[1], bias = randomArray([n]);
      for (const activation of ["linear", "relu"]) {
        const why = knownWrong(backend.name, "_FusedMatMul", transposeA || transposeB);
        itUnless(why)(`_FusedMatMul ${activation} ${label}${known(why)}`, () => both(() => tf.fused.matMul({ a: tf.tensor2d(a, sa as [number, number]),
          b: tf.tensor2d(b, sb as [number, number]), transposeA, transposeB, bias: tf.tensor(bias), activation: activation as "relu" })));
      }
    }
  });

  describe("pool", () => {
    const cases: [[number, number, number, number], number, number, "same" | "valid"][] = [[[2, 8, 8, 4], 2, 2, "valid"],
      [[1, 7, 9, 3], 3, 2, "same"], [[3, 5, 5, 2], 3, 1, "same"], [[2, 9, 7, 5], 2, 1, "valid"], [[4, 6, 6, 16], 3, 2, "valid"]];
    for (const [shape, size, stride, pad] of cases) {
      const x = randomArray(shape);
      const label = `${JSON.stringify(shape)} k ${size} s ${stride} ${pad}`;
      let w: Float32Array | undefined; // upstream gradient, the same on both backends
      for (const op of ["maxPool", "avgPool"] as const) {
        it(`${op} ${label}`, () => both(() => tf[op](tf.tensor4d(x, shape), size, stride, pad)));
        const why = op === "maxPool" ? knownWrong(backend.name, "MaxPoolGrad") : null;
        itUnless(why)(`${op} gradient ${label}${known(why)}`, () => both(() => {
          const t = tf.tensor4d(x, shape);
          const outShape = tf[op](t, size, stride, pad).shape;
          w ??= randomArray(outShape);
          const wt = tf.tensor(w, outShape);
          return tf.grad((v: tf.Tensor) => tf[op](v as tf.Tensor4D, size, stride, pad).mul(wt).sum())(t);
        }));
      }
    }
  });
  it("a conv gradient leaks no tensors", async () => {
    await backend.setup();
    const c = convCases()[0];
    const before = tf.memory().numTensors;
    const g = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, tf.ones(c.fShape) as tf.Tensor4D, 1, "same").sum())(
      tf.ones(c.xShape) as tf.Tensor4D));
    g.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
