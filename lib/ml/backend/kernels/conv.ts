// Conv2D, FusedConv2D, their two gradients, and the depthwise family (a grouped convolution with one group per
// input channel in oneDNN) — native/src/conv.cc.
import * as tf from "@tensorflow/tfjs";
import type { NativeAddon } from "../native-types";
import { ACTIVATIONS, defer, isF32, output, values, type KernelArgs, type NativeKernel, type TensorInfo } from "./util";

type Shape4 = [number, number, number, number];
type Conv2DInfo = tf.backend_util.Conv2DInfo;

/** The 18 numbers native/src/conv.cc's Shape reads. */
function convShape(ci: Conv2DInfo, depthwise: boolean): Int32Array {
  const p = ci.padInfo;
  return Int32Array.from([ci.batchSize, ci.inChannels, ci.inHeight, ci.inWidth, ci.outChannels, ci.outHeight,
    ci.outWidth, ci.filterHeight, ci.filterWidth, ci.strideHeight, ci.strideWidth, ci.dilationHeight,
    ci.dilationWidth, p.top, p.left, p.bottom, p.right, depthwise ? ci.inChannels : 1]);
}

const nhwc = (attrs: tf.NamedAttrMap) => attrs.dataFormat === undefined || attrs.dataFormat === "NHWC" ||
  attrs.dataFormat === "channelsLast";

function forward(depthwise: boolean, fused: boolean): NativeKernel {
  return ({ inputs, backend, attrs }: KernelArgs, addon: NativeAddon) => {
    const { x, filter, bias, preluActivationWeights } = inputs as Record<string, TensorInfo | undefined>;
    if (!x || !filter || !isF32(x, filter, bias) || !nhwc(attrs) || preluActivationWeights) return undefined;
    const activation = (fused ? (attrs.activation as string | undefined) : undefined) ?? "linear";
    const act = ACTIVATIONS[activation];
    if (act === undefined) return undefined;
    const ci = tf.backend_util.computeConv2DInfo(x.shape as Shape4, filter.shape as Shape4,
      attrs.strides as number | [number, number], (attrs.dilations as number | [number, number]) ?? 1,
      attrs.pad as "same", attrs.dimRoundingMode as "floor" | undefined, depthwise);
    if (bias && bias.shape.reduce((a, b) => a * b, 1) !== ci.outChannels) return undefined;
    const [y, wrap] = output(backend, ci.outShape);
    addon.conv2dForward(convShape(ci, depthwise), values(backend, x), values(backend, filter),
      bias ? values(backend, bias) : null, y, act, (attrs.leakyreluAlpha as number | undefined) ?? 0.2);
    return wrap();
  };
}

const verified = new Set<string>();

/** Input gradients are deferred (see defer in ./util): unread ones, like the image's, are never computed. */
function backwardData(depthwise: boolean): NativeKernel {
  return ({ inputs, backend, attrs }: KernelArgs, addon: NativeAddon) => {
    const { dy, filter } = inputs as Record<string, TensorInfo>;
    if (!isF32(dy, filter) || !nhwc(attrs)) return undefined;
    const inputShape = attrs.inputShape as Shape4;
    const ci = tf.backend_util.computeConv2DInfo(inputShape, filter.shape as Shape4,
      attrs.strides as number | [number, number], (attrs.dilations as number | [number, number]) ?? 1,
      attrs.pad as "same", attrs.dimRoundingMode as "floor" | undefined, depthwise);
    const [dx, wrap] = output(backend, inputShape);
    const shape = convShape(ci, depthwise);
    const dyv = values(backend, dy), fv = values(backend, filter);
    const key = shape.join(",");
    if (!verified.has(key)) { // the first call of a shape runs now, so a oneDNN error can still fall back to cpu
      addon.conv2dBackwardData(shape, dyv, fv, dx);
      verified.add(key);
      return wrap();
    }
    return defer(wrap(), () => addon.conv2dBackwardData(shape, dyv, fv, dx), [dyv, fv]);
  };
}

function backwardFilter(depthwise: boolean): NativeKernel {
  return ({ inputs, backend, attrs }: KernelArgs, addon: NativeAddon) => {
    const { x, dy } = inputs as Record<string, TensorInfo>;
    if (!isF32(x, dy) || !nhwc(attrs)) return undefined;
    const filterShape = attrs.filterShape as Shape4;
    const ci = tf.backend_util.computeConv2DInfo(x.shape as Shape4, filterShape,
      attrs.strides as number | [number, number], (attrs.dilations as number | [number, number]) ?? 1,
      attrs.pad as "same", attrs.dimRoundingMode as "floor" | undefined, depthwise);
    const [dw, wrap] = output(backend, filterShape);
    addon.conv2dBackwardWeights(convShape(ci, depthwise), values(backend, x), values(backend, dy), dw);
    return wrap();
  };
}

export const convKernels: Record<string, NativeKernel> = {
  Conv2D: forward(false, false),
  FusedConv2D: forward(false, true),
  Conv2DBackpropInput: backwardData(false),
  Conv2DBackpropFilter: backwardFilter(false),
  DepthwiseConv2dNative: forward(true, false),
  FusedDepthwiseConv2D: forward(true, true),
  DepthwiseConv2dNativeBackpropInput: backwardData(true),
  DepthwiseConv2dNativeBackpropFilter: backwardFilter(true),
};
