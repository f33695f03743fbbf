// Every native kernel of the onednn backend against the cpu backend on randomized shapes.
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { setupBackend } from "./index";
import { loadNative } from "./native";
import { kernelStats } from "./onednn";
import {
  convCases, depthwiseCases, depthwiseGradReference, expectClose, randomArray, runOn,
} from "./test-util";

const native = loadNative();
const describeNative = "addon" in native ? describe : describe.skip;
const k = (name: string, inputs: Record<string, tf.Tensor>, attrs: object) =>
  tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor;
/** Runs fn on onednn, asserting the native path ran (no silent cpu fallback). */
async function onednn(fn: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  const before = { ...kernelStats };
  const out = await runOn("onednn", fn);
  expect(kernelStats.fallback, "a native kernel fell back to cpu").toBe(before.fallback);
  expect(kernelStats.native, "no native kernel ran").toBeGreaterThan(before.native);
  return out;
}
const both = async (fn: () => tf.Tensor | tf.Tensor[]) => expectClose(await onednn(fn), await runOn("cpu", fn));

describeNative("onednn kernels match cpu", () => {
  beforeAll(async () => {
    const info = await setupBackend("onednn");
    if (info.name !== "onednn") throw new Error(`onednn did not load: ${info.warning}`);
  });

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
      it(`Conv2DBackpropInput ${c.label}`, () => both(() => k("Conv2DBackpropInput",
        { dy: tf.tensor(dy, c.outShape), filter: tf.tensor(f, c.fShape) }, { ...attrs, inputShape: c.xShape })));
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
      it(`DepthwiseConv2dNativeBackpropInput ${c.label}`, async () => expectClose(
        await onednn(() => k("DepthwiseConv2dNativeBackpropInput",
          { dy: tf.tensor(dy, c.outShape), filter: tf.tensor(f, c.fShape) }, { ...attrs, inputShape: c.xShape })),
        await depthwiseGradReference("input", c, f, dy)));
      it(`DepthwiseConv2dNativeBackpropFilter ${c.label}`, async () => expectClose(
        await onednn(() => k("DepthwiseConv2dNativeBackpropFilter",
          { x: tf.tensor(x, c.xShape), dy: tf.tensor(dy, c.outShape) }, { ...attrs, filterShape: c.fShape })),
        await depthwiseGradReference("filter", c, x, dy)));
    }
  });
});
