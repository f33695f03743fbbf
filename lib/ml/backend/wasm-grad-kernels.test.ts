// The wasm gradient kernels against the cpu backend on randomized shapes.
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { setupBackend } from "./index";

const attrMap = (a: object) => a as unknown as tf.NamedAttrMap;
import { convCases, depthwiseCases, depthwiseGradReference, expectClose, randomArray, runOn } from "./test-util";

beforeAll(async () => {
  await setupBackend("wasm");
});

describe("wasm gradient kernels match cpu", () => {
  for (const c of convCases()) {
    it(`Conv2DBackpropFilter ${c.label}`, async () => {
      const x = randomArray(c.xShape), dy = randomArray(c.outShape);
      const run = () => tf.engine().runKernel("Conv2DBackpropFilter",
        { x: tf.tensor(x, c.xShape), dy: tf.tensor(dy, c.outShape) },
        attrMap({ strides: c.strides, pad: c.pad, dataFormat: "NHWC", dimRoundingMode: undefined, filterShape: c.fShape }),
      ) as tf.Tensor;
      expectClose(await runOn("wasm", run), await runOn("cpu", run));
    });
  }
  for (const c of convCases()) {
    it(`Conv2DBackpropInput ${c.label}`, async () => {
      const f = randomArray(c.fShape), dy = randomArray(c.outShape);
      const run = () => tf.engine().runKernel("Conv2DBackpropInput",
        { dy: tf.tensor(dy, c.outShape), filter: tf.tensor(f, c.fShape) },
        attrMap({ strides: c.strides, pad: c.pad, dataFormat: "NHWC", dimRoundingMode: undefined, inputShape: c.xShape }),
      ) as tf.Tensor;
      expectClose(await runOn("wasm", run), await runOn("cpu", run));
    });
  }
  for (const c of depthwiseCases()) {
    const attrs = { strides: c.strides, dilations: c.dilations, pad: c.pad, dimRoundingMode: undefined };
    it(`DepthwiseConv2dNativeBackpropFilter ${c.label}`, async () => {
      const x = randomArray(c.xShape), dy = randomArray(c.outShape);
      const run = () => tf.engine().runKernel("DepthwiseConv2dNativeBackpropFilter",
        { x: tf.tensor(x, c.xShape), dy: tf.tensor(dy, c.outShape) }, attrMap({ ...attrs, filterShape: c.fShape }),
      ) as tf.Tensor;
      expectClose(await runOn("wasm", run), await depthwiseGradReference("filter", c, x, dy));
    });
    it(`DepthwiseConv2dNativeBackpropInput ${c.label}`, async () => {
      const f = randomArray(c.fShape), dy = randomArray(c.outShape);
      const run = () => tf.engine().runKernel("DepthwiseConv2dNativeBackpropInput",
        { dy: tf.tensor(dy, c.outShape), filter: tf.tensor(f, c.fShape) }, attrMap({ ...attrs, inputShape: c.xShape }),
      ) as tf.Tensor;
      expectClose(await runOn("wasm", run), await depthwiseGradReference("input", c, f, dy));
    });
  }
  it("leaks no tensors", async () => {
    const c = convCases()[0];
    const before = tf.memory().numTensors;
    const g = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, tf.ones(c.fShape) as tf.Tensor4D, 1, "same").sum())(
      tf.ones(c.xShape) as tf.Tensor4D));
    g.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
