// A fused Adam update kernel (native/src/eltwise.cc adamUpdate): one native pass per variable. tfjs's Adam runs
// ~14 small kernels per variable (~240 kernel calls per bench-cnn step, a third of all calls).
import type { NativeAddon } from "../native-types";
import { output, values, type KernelArgs, type NativeKernel, type TensorInfo } from "./util";

export const ADAM_KERNEL = "LabAdamUpdate";

/** inputs {value, grad, m, v}, attrs {learningRate, beta1, beta2, epsilon, oneMinusAccBeta1, oneMinusAccBeta2}
 *  → [newValue, newM, newV]. */
const adam: NativeKernel = ({ inputs, backend, attrs }: KernelArgs, addon: NativeAddon) => {
  const { value, grad, m, v } = inputs as Record<string, TensorInfo>;
  if ([value, grad, m, v].some((t) => t.dtype !== "float32")) return undefined;
  const outs = [output(backend, value.shape), output(backend, value.shape), output(backend, value.shape)];
  const a = attrs as Record<string, number>;
  addon.adamUpdate(values(backend, value), values(backend, grad), values(backend, m), values(backend, v),
    outs[0][0], outs[1][0], outs[2][0], a.learningRate, a.beta1, a.beta2, a.epsilon, a.oneMinusAccBeta1,
    a.oneMinusAccBeta2);
  return outs.map(([, wrap]) => wrap());
};

export const optimizerKernels: Record<string, NativeKernel> = { [ADAM_KERNEL]: adam };
