// Batch normalisation on the native backend (native/src/batchnorm.cc):
//   - FusedBatchNorm (inference form) and a fused gradient for it;
//   - LabBatchNormTrain: batch statistics + normalisation (+ an optional ReLU/ReLU6, attr activation) in one kernel,
//     with a one-kernel gradient through the statistics (and the activation). ../training-fast-paths.ts routes a
//     model's BatchNormalization layers through it while train() runs;
//   - faster gradients for the ops tf.moments differentiates through (Mean), for models that still use it.
import * as tf from "@tensorflow/tfjs";
import type { NativeAddon } from "../native-types";
import { BACKEND, output, values, type KernelArgs, type NativeKernel, type TensorInfo } from "./util";

/** The channel count when every per-channel input has C (= last axis) or 1 elements; else undefined. */
function channels(x: TensorInfo, params: (TensorInfo | undefined)[]): number | undefined {
  const C = x.shape[x.shape.length - 1];
  if (x.dtype !== "float32" || x.shape.length < 2) return undefined;
  for (const p of params) {
    if (p && (p.dtype !== "float32" || (tf.util.sizeFromShape(p.shape) !== C && tf.util.sizeFromShape(p.shape) !== 1)))
      return undefined;
    // a [C] parameter must broadcast along the last axis, i.e. not be e.g. [C,1]
    if (p && tf.util.sizeFromShape(p.shape) === C && C > 1 && p.shape[p.shape.length - 1] !== C) return undefined;
  }
  return C;
}

const forward: NativeKernel = ({ inputs, backend, attrs }: KernelArgs, addon: NativeAddon) => {
  const { x, mean, variance, offset, scale } = inputs as Record<string, TensorInfo | undefined>;
  if (!x || !mean || !variance) return undefined;
  const C = channels(x, [mean, variance, offset, scale]);
  if (C === undefined) return undefined;
  const [y, wrap] = output(backend, x.shape);
  const v = (t?: TensorInfo) => (t ? values(backend, t) : null);
  addon.batchNormForward(values(backend, x), C, v(mean)!, v(variance)!, v(scale), v(offset),
    (attrs.varianceEpsilon as number | undefined) ?? 0.001, y);
  return wrap();
};

const GRAD_KERNEL = "LabBatchNormGrad";

/** inputs {x, dy, mean, variance, scale?} → [dx, dmean, dvariance, dscale, doffset] (all [C] but dx). */
const gradKernel: NativeKernel = ({ inputs, backend, attrs }: KernelArgs, addon: NativeAddon) => {
  const { x, dy, mean, variance, scale } = inputs as Record<string, TensorInfo | undefined>;
  const C = channels(x!, [mean, variance, scale])!;
  const [dx, wrapDx] = output(backend, x!.shape);
  const outs = [0, 1, 2, 3].map(() => output(backend, [C]));
  addon.batchNormGrad(values(backend, x!), values(backend, dy!), C, values(backend, mean!),
    values(backend, variance!), scale ? values(backend, scale) : null,
    (attrs.varianceEpsilon as number | undefined) ?? 0.001, dx, outs[0][0], outs[1][0], outs[2][0], outs[3][0]);
  return [wrapDx(), ...outs.map(([, wrap]) => wrap())];
};

export const TRAIN_KERNEL = "LabBatchNormTrain";
const TRAIN_GRAD_KERNEL = "LabBatchNormTrainGrad";
const eps = (attrs: tf.NamedAttrMap) => (attrs.varianceEpsilon as number | undefined) ?? 0.001;
/** The activation codes LabBatchNormTrain fuses (native/src/batchnorm.cc BnActivation). */
export const BN_ACTIVATIONS = { none: 0, relu: 1, relu6: 2 } as const;
const activationOf = (attrs: tf.NamedAttrMap) => (attrs.activation as number | undefined) ?? BN_ACTIVATIONS.none;

/** moving − (moving − batch)·(1 − momentum), tfjs-layers' update, rounded as its three float32 ops round. */
function movingAverage(moving: Float32Array, batch: Float32Array, momentum: number): Float32Array {
  const k = Math.fround(1 - momentum), out = new Float32Array(moving.length);
  for (let c = 0; c < moving.length; c++) out[c] = moving[c] - Math.fround(Math.fround(moving[c] - batch[c]) * k);
  return out;
}

/** inputs {x, scale?, offset?, movingMean?, movingVariance?} (per-channel over the last axis) → [y, mean, variance]
 *  (biased, as tf.moments), and with the moving statistics (attr momentum) their updated values as outputs 3 and 4
 *  (two outputs here instead of six small ops and their dispatch per layer and step); attr activation
 *  (BN_ACTIVATIONS) is applied to y in the same pass. */
const trainKernel: NativeKernel = ({ inputs, backend, attrs }: KernelArgs, addon: NativeAddon) => {
  const { x, scale, offset, movingMean, movingVariance } = inputs as Record<string, TensorInfo | undefined>;
  const C = channels(x!, [scale, offset]);
  if (C === undefined) throw new Error(`${TRAIN_KERNEL}: needs float32 input with per-channel parameters`);
  const [y, wrapY] = output(backend, x!.shape);
  const [mean, wrapMean] = output(backend, [C]);
  const [variance, wrapVariance] = output(backend, [C]);
  addon.batchNormTrainForward(values(backend, x!), C, scale ? values(backend, scale) : null,
    offset ? values(backend, offset) : null, eps(attrs), y, mean, variance, activationOf(attrs));
  const outs = [wrapY(), wrapMean(), wrapVariance()];
  if (!movingMean || !movingVariance) return outs;
  const momentum = attrs.momentum as number;
  for (const [moving, batch] of [[movingMean, mean], [movingVariance, variance]] as const) {
    outs.push(backend.makeTensorInfo([C], "float32", movingAverage(values(backend, moving), batch, momentum)));
  }
  return outs;
};

/** inputs {x, dy, mean, variance, scale?, y?} → [dx, dscale, doffset]: the gradient through the batch statistics,
 *  and through the fused activation (its derivative read from the forward output y) when attr activation is set. */
const trainGradKernel: NativeKernel = ({ inputs, backend, attrs }: KernelArgs, addon: NativeAddon) => {
  const { x, dy, mean, variance, scale, y } = inputs as Record<string, TensorInfo | undefined>;
  const activation = activationOf(attrs);
  if (activation !== BN_ACTIVATIONS.none && !y) throw new Error(`${TRAIN_GRAD_KERNEL}: a fused activation needs y`);
  const C = channels(x!, [mean, variance, scale])!;
  const [dx, wrapDx] = output(backend, x!.shape);
  const [dscale, wrapDscale] = output(backend, [C]);
  const [doffset, wrapDoffset] = output(backend, [C]);
  addon.batchNormTrainGrad(values(backend, x!), values(backend, dy!), C, values(backend, mean!),
    values(backend, variance!), scale ? values(backend, scale) : null, eps(attrs), dx, dscale, doffset,
    activation, activation !== BN_ACTIVATIONS.none ? values(backend, y!) : null);
  return [wrapDx(), wrapDscale(), wrapDoffset()];
};

export const batchNormKernels: Record<string, NativeKernel> = {
  FusedBatchNorm: forward,
  [GRAD_KERNEL]: gradKernel,
  [TRAIN_KERNEL]: trainKernel,
  [TRAIN_GRAD_KERNEL]: trainGradKernel,
};

/** The gradient of LabBatchNormTrain with respect to x, scale and offset. The mean, variance and moving-average
 *  outputs feed only the moving averages (no gradient flows back through them): their incoming gradients are ignored. */
export function registerTrainingGradient(): void {
  tf.registerGradient({
    // y is saved for a fused activation's derivative (a consumer of y keeps it alive until the backward anyway)
    kernelName: TRAIN_KERNEL, inputsToSave: ["x", "scale"], outputsToSave: [true, true, true],
    gradFunc: (dys, saved, attrs) => {
      const [x, scale, y, mean, variance] = saved;
      const dy = (dys as tf.Tensor[])[0];
      const inputs: tf.NamedTensorMap = { x, dy, mean, variance, y };
      if (scale) inputs.scale = scale;
      const [dx, dscale, doffset] = tf.engine().runKernel(TRAIN_GRAD_KERNEL, inputs, attrs) as tf.Tensor[];
      // the moving statistics only feed the moving-average outputs, which carry no gradient
      return { x: () => dx, scale: () => dscale, offset: () => doffset,
        movingMean: () => tf.zerosLike(mean), movingVariance: () => tf.zerosLike(variance) };
    },
  });
}

/** tfjs-core's FusedBatchNorm gradient for [C]-shaped statistics, with broadcasting where it Tiles [C] to the
 *  full shape (the Tile cost 242 ms per bench-cnn step on wasm). Used on backends without the fused kernel. */
function broadcastingGrad(dy: tf.Tensor, x: tf.Tensor, mean: tf.Tensor, variance: tf.Tensor,
  scale: tf.Tensor | undefined, eps: number) {
  const axes = x.shape.map((_, i) => i).slice(0, -1);
  const s = scale ?? tf.scalar(1);
  const r = tf.rsqrt(tf.add(variance, tf.scalar(eps)));
  const xc = tf.sub(x, mean);
  const dys = tf.mul(dy, s);
  return {
    x: () => tf.mul(dy, tf.mul(r, s)),
    mean: () => tf.reshape(tf.sum(tf.mul(tf.mul(r, -1), dys), axes), mean.shape),
    variance: () => tf.reshape(tf.sum(tf.mul(tf.mul(tf.mul(tf.mul(r, r), r), -0.5), tf.mul(xc, dys)), axes),
      variance.shape),
    scale: () => tf.reshape(tf.sum(tf.mul(dy, tf.mul(xc, r)), axes), mean.shape),
    offset: () => tf.reshape(tf.sum(dy, axes), mean.shape),
  };
}

/** Gradients for FusedBatchNorm and Mean that take one native pass on the onednn backend. Elsewhere the batch-norm
 *  gradient is tfjs-core's without its Tile, and the Mean gradient is tfjs-core's. */
export function registerFastGradients(): void {
  const bn = tf.getGradient("FusedBatchNorm");
  if (bn && !(bn as { lab?: boolean }).lab) {
    tf.registerGradient({
      kernelName: "FusedBatchNorm", inputsToSave: bn.inputsToSave, lab: true,
      gradFunc: (dy, saved, attrs) => {
        const [x, mean, variance, scale] = saved;
        const single = dy as tf.Tensor;
        const backend = tf.getBackend();
        // the cpu backend is the reference in tests: it keeps tfjs-core's gradient
        if (mean.rank !== 1 || backend === "cpu") return bn.gradFunc(dy, saved, attrs);
        if (backend !== BACKEND || channels(x, [mean, variance, scale]) === undefined ||
          single.dtype !== "float32" || single.size !== x.size) {
          return broadcastingGrad(single, x, mean, variance, scale, attrs.varianceEpsilon as number);
        }
        const [dx, dmean, dvar, dscale, doffset] = tf.engine().runKernel(GRAD_KERNEL,
          scale ? { x, dy: single, mean, variance, scale } : { x, dy: single, mean, variance },
          attrs) as tf.Tensor[];
        return {
          x: () => dx, mean: () => dmean.reshape(mean.shape), variance: () => dvar.reshape(variance.shape),
          scale: () => dscale.reshape(scale ? scale.shape : [dscale.size]), offset: () => doffset,
        };
      },
    } as tf.GradConfig);
  }
  const mean = tf.getGradient("Mean");
  if (mean && !(mean as { lab?: boolean }).lab) {
    tf.registerGradient({
      kernelName: "Mean", inputsToSave: mean.inputsToSave, lab: true,
      gradFunc: (dy, saved, attrs) => {
        const [x] = saved;
        if (tf.getBackend() !== BACKEND) return mean.gradFunc(dy, saved, attrs);
        // dy / N broadcast back over the reduced axes: one Tile (a native broadcasting copy) instead of
        // ones(x.shape) * dy / N (three full-size passes).
        const axes = tf.util.parseAxisParam(attrs.axis as number | number[], x.shape);
        const expanded = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
        const n = axes.reduce((p, ax) => p * x.shape[ax], 1);
        return { x: () => tf.broadcastTo(tf.div(tf.reshape(dy as tf.Tensor, expanded), n), x.shape) };
      },
    } as tf.GradConfig);
  }
}
