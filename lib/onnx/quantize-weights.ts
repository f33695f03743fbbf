/**
 * The integer arithmetic of INT8 export, kept free of graph code so it can be unit-tested.
 * Conventions follow ONNX Runtime's quantization tool (QDQ format):
 *   - weights: int8, symmetric (zero point 0) per output channel, range [-127, 127], or [-63, 63] on hosts
 *     where ONNX Runtime's x86 kernels saturate (int8-weight-range.ts);
 *   - activations: per tensor, asymmetric, uint8 (default) or int8, range always including 0 so that
 *     zero (padding, ReLU floor) is exactly representable;
 *   - biases: int32 with scale = input_scale · weight_scale[c] and zero point 0.
 * ONNX quantization is y = saturate(round(x / scale) + zero_point); round half to even.
 */
import { int8WeightMax } from "./int8-weight-range";

export type ActivationType = "uint8" | "int8";

export interface ActivationRange {
  min: number;
  max: number;
}

export interface QParams {
  scale: number;
  zeroPoint: number;
}

/** Round half to even, like ONNX QuantizeLinear and numpy. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

export function activationQParams(range: ActivationRange, type: ActivationType): QParams {
  const min = Math.min(range.min, 0);
  const max = Math.max(range.max, 0);
  if (!Number.isFinite(min) || !Number.isFinite(max)) throw new Error(`INT8: activation range [${range.min}, ${range.max}] is not finite`);
  const [qmin, qmax] = type === "uint8" ? [0, 255] : [-128, 127];
  if (max === min) return { scale: 1, zeroPoint: type === "uint8" ? 0 : 0 };
  const scale = Math.fround((max - min) / (qmax - qmin));
  const zeroPoint = clamp(roundHalfEven(qmin - min / scale), qmin, qmax);
  return { scale, zeroPoint };
}

export interface PerChannelWeights {
  q: Int8Array;
  scales: Float32Array;
}

/**
 * Symmetric per-channel quantization of a weight laid out channel-major (`channels` blocks of equal size,
 * i.e. ONNX axis 0 for OIHW conv weights, grouped depthwise weights and Gemm B with transB=1).
 * An all-zero channel (pruned filter) gets scale 1 so every scale stays positive.
 */
export function quantizeWeightsPerChannel(w: Float32Array, channels: number, qmax: number = int8WeightMax()): PerChannelWeights {
  const per = w.length / channels;
  if (!Number.isInteger(per)) throw new Error(`INT8: ${w.length} weights do not split into ${channels} channels`);
  const q = new Int8Array(w.length);
  const scales = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    let maxAbs = 0;
    for (let j = 0; j < per; j++) maxAbs = Math.max(maxAbs, Math.abs(w[c * per + j]));
    const s = maxAbs > 0 ? Math.fround(maxAbs / qmax) : 1;
    scales[c] = s;
    for (let j = 0; j < per; j++) q[c * per + j] = clamp(roundHalfEven(w[c * per + j] / s), -qmax, qmax);
  }
  return { q, scales };
}

/** int32 bias for an integer conv/gemm: scale[c] = inputScale · weightScale[c], zero point 0. */
export function quantizeBias(b: Float32Array, inputScale: number, weightScales: Float32Array): { q: Int32Array; scales: Float32Array } {
  const q = new Int32Array(b.length);
  const scales = new Float32Array(b.length);
  for (let c = 0; c < b.length; c++) {
    const s = Math.fround(inputScale * weightScales[c]);
    scales[c] = s;
    q[c] = clamp(roundHalfEven(b[c] / s), -2147483647, 2147483647);
  }
  return { q, scales };
}

/** Values as ORT will see them after DequantizeLinear — used by tests and to estimate quantization error. */
export function dequantizePerChannel(q: Int8Array, scales: Float32Array): Float32Array {
  const per = q.length / scales.length;
  return Float32Array.from(q, (v, i) => v * scales[Math.floor(i / per)]);
}
