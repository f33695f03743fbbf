// MaxPool, AvgPool and their gradients (native/src/pool.cc), NHWC, dilation 1.
import * as tf from "@tensorflow/tfjs";
import type { NativeAddon } from "../native-types";
import { isF32, output, values, type KernelArgs, type NativeKernel, type TensorInfo } from "./util";

type Shape4 = [number, number, number, number];

function poolShape(xShape: number[], attrs: tf.NamedAttrMap): Int32Array | undefined {
  const dil = attrs.dilations as number | [number, number] | undefined;
  if (dil !== undefined && (Array.isArray(dil) ? dil.some((d) => d !== 1) : dil !== 1)) return undefined;
  const ci = tf.backend_util.computePool2DInfo(xShape as Shape4, attrs.filterSize as [number, number],
    attrs.strides as [number, number], 1, attrs.pad as "same", attrs.dimRoundingMode as "floor" | undefined);
  const p = ci.padInfo;
  return Int32Array.from([ci.batchSize, ci.inChannels, ci.inHeight, ci.inWidth, ci.outHeight, ci.outWidth,
    ci.filterHeight, ci.filterWidth, ci.strideHeight, ci.strideWidth, p.top, p.left, p.bottom, p.right]);
}

function forward(max: boolean): NativeKernel {
  return ({ inputs, backend, attrs }: KernelArgs, addon: NativeAddon) => {
    const { x } = inputs as { x: TensorInfo };
    if (!isF32(x) || x.shape.length !== 4) return undefined;
    const s = poolShape(x.shape, attrs);
    if (!s) return undefined;
    const [y, wrap] = output(backend, [s[0], s[4], s[5], s[1]]);
    addon.poolForward(max ? 1 : 0, s, values(backend, x), y);
    return wrap();
  };
}

function backward(max: boolean): NativeKernel {
  return ({ inputs, backend, attrs }: KernelArgs, addon: NativeAddon) => {
    const { dy, input } = inputs as Record<string, TensorInfo>;
    if (!isF32(dy, input) || input.shape.length !== 4) return undefined;
    const s = poolShape(input.shape, attrs);
    if (!s) return undefined;
    const [dx, wrap] = output(backend, input.shape);
    addon.poolBackward(max ? 1 : 0, s, values(backend, input), values(backend, dy), dx);
    return wrap();
  };
}

export const poolKernels: Record<string, NativeKernel> = {
  MaxPool: forward(true),
  AvgPool: forward(false),
  MaxPoolGrad: backward(true),
  AvgPoolGrad: backward(false),
};
