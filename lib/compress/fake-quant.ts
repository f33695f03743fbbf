// Fake quantization with a straight-through estimator (Jacob et al., 2018; tfmot's default 8-bit scheme),
// matching the INT8 exporter's arithmetic (lib/onnx/quantize-weights.ts) so that what QAT trains is what ORT runs:
//   weights: symmetric per output channel, scale = max|w| / qmax, q ∈ [−qmax, qmax], round half to even, qmax 127
//   or 63 on hosts where ONNX Runtime's x86 kernels saturate (lib/onnx/int8-weight-range.ts);
//   activations: per tensor, asymmetric, range widened to include 0, uint8 [0, 255] (or int8 [−128, 127]).
// The forward pass rounds; the backward pass lets gradients through unchanged (weights) or only where the
// input was inside the representable range (activations, i.e. clipped values get no gradient).
import * as tf from "@tensorflow/tfjs";
import { int8WeightMax } from "../onnx/int8-weight-range";

/** customGrad's `save` (typed loosely by tfjs as one of the variadic inputs). */
type Save = (tensors: tf.Tensor[]) => void;

/** Axes reduced to get one scale per output channel of a Conv2D (HWIO), DepthwiseConv2D (HW·C·M) or Dense (IO) kernel. */
export function reductionAxes(layerClass: string): number[] {
  if (layerClass === "Conv2D") return [0, 1, 2];
  if (layerClass === "DepthwiseConv2D") return [0, 1];
  return [0];
}

/** Weights rounded to their per-channel int8 grid (forward); identity gradient (backward). */
export function fakeQuantWeights(w: tf.Tensor, layerClass: string): tf.Tensor {
  const axes = reductionAxes(layerClass);
  const qmax = int8WeightMax();
  const op = tf.customGrad((x, save) => {
    const t = x as tf.Tensor;
    (save as unknown as Save)([t]);
    const maxAbs = tf.max(tf.abs(t), axes, true);
    // An all-zero channel (pruned) keeps scale 1, as the exporter does; its values stay 0.
    const scale = tf.where(tf.greater(maxAbs, 0), tf.div(maxAbs, qmax), tf.onesLike(maxAbs));
    const value = tf.mul(tf.clipByValue(tf.round(tf.div(t, scale)), -qmax, qmax), scale);
    return { value, gradFunc: (dy: tf.Tensor) => dy };
  });
  return op(w);
}

export interface RangeQParams {
  scale: tf.Scalar;
  zeroPoint: tf.Scalar;
  qmin: number;
  qmax: number;
}

/** The exporter's activationQParams in tensors: range widened to include 0, scale = (max − min)/(qmax − qmin). */
export function activationQParams(min: tf.Scalar, max: tf.Scalar, type: "uint8" | "int8"): RangeQParams {
  const [qmin, qmax] = type === "uint8" ? [0, 255] : [-128, 127];
  const lo = tf.minimum(min, 0);
  const hi = tf.maximum(max, 0);
  const span = tf.sub(hi, lo);
  const scale = tf.where(tf.greater(span, 0), tf.div(span, qmax - qmin), tf.scalar(1)) as tf.Scalar;
  const zeroPoint = tf.clipByValue(tf.round(tf.sub(qmin, tf.div(lo, scale))), qmin, qmax) as tf.Scalar;
  return { scale, zeroPoint, qmin, qmax };
}

/** x quantized to the per-tensor grid and back (forward); gradient only where x is inside the grid's range. */
export function fakeQuantActivation(x: tf.Tensor, qp: RangeQParams): tf.Tensor {
  const op = tf.customGrad((input, save) => {
    const t = input as tf.Tensor;
    // The clipping bounds are saved with the input: tensors merely closed over are gone by the backward pass.
    const lo = tf.mul(tf.sub(qp.qmin, qp.zeroPoint), qp.scale);
    const hi = tf.mul(tf.sub(qp.qmax, qp.zeroPoint), qp.scale);
    (save as unknown as Save)([t, lo, hi]);
    const q = tf.clipByValue(tf.add(tf.round(tf.div(t, qp.scale)), qp.zeroPoint), qp.qmin, qp.qmax);
    const value = tf.mul(tf.sub(q, qp.zeroPoint), qp.scale);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, low, high] = saved;
        const inside = tf.logicalAnd(tf.greaterEqual(xs, low), tf.lessEqual(xs, high));
        return tf.mul(dy, tf.cast(inside, "float32"));
      },
    };
  });
  return op(x);
}
