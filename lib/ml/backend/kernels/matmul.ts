// BatchMatMul and _FusedMatMul (native/src/matmul.cc): transposes are free (strides), bias and activation fused.
import * as tf from "@tensorflow/tfjs";
import type { NativeAddon } from "../native-types";
import { ACTIVATIONS, isF32, output, sizeOf, values, type KernelArgs, type NativeKernel, type TensorInfo } from "./util";

function matmul(fused: boolean): NativeKernel {
  return ({ inputs, backend, attrs }: KernelArgs, addon: NativeAddon) => {
    const { a, b, bias, preluActivationWeights } = inputs as Record<string, TensorInfo | undefined>;
    if (!a || !b || !isF32(a, b, bias) || preluActivationWeights || a.shape.length < 2 || b.shape.length < 2) {
      return undefined;
    }
    const act = ACTIVATIONS[(fused ? (attrs.activation as string | undefined) : undefined) ?? "linear"];
    if (act === undefined) return undefined;
    const ta = !!attrs.transposeA, tb = !!attrs.transposeB;
    const [ar, ac] = a.shape.slice(-2), [br, bc] = b.shape.slice(-2);
    const M = ta ? ac : ar, K = ta ? ar : ac, N = tb ? br : bc;
    if ((tb ? bc : br) !== K) return undefined; // let the cpu kernel report the shape error
    const batchA = sizeOf(a.shape.slice(0, -2)), batchB = sizeOf(b.shape.slice(0, -2));
    if (batchA !== batchB && batchA !== 1 && batchB !== 1) return undefined;
    if (bias && sizeOf(bias.shape) !== N) return undefined;
    const batchShape = tf.backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
    const [out, wrap] = output(backend, [...batchShape, M, N]);
    addon.matmul(Int32Array.from([batchA, batchB, M, K, N, ta ? 1 : 0, tb ? 1 : 0]), values(backend, a),
      values(backend, b), bias ? values(backend, bias) : null, out, act,
      (attrs.leakyreluAlpha as number | undefined) ?? 0.2);
    return wrap();
  };
}

export const matmulKernels: Record<string, NativeKernel> = {
  BatchMatMul: matmul(false),
  _FusedMatMul: matmul(true),
};
