/**
 * Post-training calibration: run the tfjs model on N calibration images and record the range of every
 * layer output (and of the input), keyed the way the exporter names them (`calibrationKey`). The INT8
 * exporter turns each range into a per-tensor scale/zero point.
 *
 * Methods (as in ONNX Runtime's and TensorRT's calibrators):
 *   - "minmax":     the observed min and max;
 *   - "percentile": clip the tails at the given percentile (default 99.99) of a 2048-bin histogram;
 *   - "entropy":    the clipping threshold that minimises the KL divergence between the float histogram
 *                   and its quantized version (TensorRT's method).
 * Calibration images should come from the training split, never the test split.
 */
import * as tf from "@tensorflow/tfjs";
import { calibrationKey, planGraph } from "./export";
import type { QuantizationParams } from "./quantize";
import type { ActivationRange } from "./quantize-weights";

export interface CalibrateOptions {
  method: "minmax" | "percentile" | "entropy";
  /** For "percentile": the upper percentile kept, e.g. 99.99. */
  percentile?: number;
  batchSize?: number;
  bins?: number;
  activationType?: "uint8" | "int8";
}

class Stat {
  min = Infinity;
  max = -Infinity;
  hist?: Float64Array;
  observe(x: ArrayLike<number>): void {
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      if (v < this.min) this.min = v;
      if (v > this.max) this.max = v;
    }
  }
  /** Histogram over [min, max] fixed by the first pass. */
  accumulate(x: ArrayLike<number>, bins: number): void {
    this.hist ??= new Float64Array(bins);
    const width = (this.max - this.min) / bins || 1;
    for (let i = 0; i < x.length; i++) this.hist[Math.min(bins - 1, Math.max(0, Math.floor((x[i] - this.min) / width)))]++;
  }
}

export async function calibrate(model: tf.LayersModel, images: Float32Array, opts: CalibrateOptions): Promise<QuantizationParams> {
  const [, h, w, c] = model.inputs[0].shape as number[];
  const n = images.length / (h * w * c);
  if (!Number.isInteger(n) || n === 0) throw new Error(`calibrate: ${images.length} values is not a whole number of ${h}×${w}×${c} images`);
  const batch = opts.batchSize ?? 64;
  const bins = opts.bins ?? 2048;

  // A probe model sharing the trained layers and exposing every layer output. It is not disposed:
  // disposing would free the shared weights.
  const targets = planGraph(model).flatMap((e) => e.node.outputTensors);
  const unique = [...new Map(targets.map((t) => [t.id, t])).values()];
  const probe = tf.model({ inputs: model.inputs, outputs: unique });
  const keys = unique.map((t) => calibrationKey(t));
  const inputKey = calibrationKey(model.inputs[0]);
  const stats = new Map<string, Stat>([[inputKey, new Stat()], ...keys.map((k) => [k, new Stat()] as [string, Stat])]);

  const pass = (visit: (key: string, data: Float32Array) => void) => {
    for (let s = 0; s < n; s += batch) {
      const b = Math.min(batch, n - s);
      const chunk = images.subarray(s * h * w * c, (s + b) * h * w * c);
      visit(inputKey, chunk);
      const outs = tf.tidy(() => {
        const y = probe.predict(tf.tensor4d(chunk, [b, h, w, c]));
        return Array.isArray(y) ? y : [y];
      });
      outs.forEach((t, i) => visit(keys[i], t.dataSync() as Float32Array));
      tf.dispose(outs);
    }
  };
  pass((k, d) => stats.get(k)!.observe(d));
  if (opts.method !== "minmax") pass((k, d) => stats.get(k)!.accumulate(d, bins));

  const activationRanges: Record<string, ActivationRange> = {};
  for (const [k, st] of stats) {
    activationRanges[k] =
      opts.method === "minmax"
        ? { min: st.min, max: st.max }
        : opts.method === "percentile"
          ? percentileRange(st, opts.percentile ?? 99.99)
          : entropyRange(st);
  }
  await tf.nextFrame();
  return {
    activationRanges,
    activationType: opts.activationType,
    method: opts.method,
    percentile: opts.method === "percentile" ? (opts.percentile ?? 99.99) : undefined,
    calibrationImages: n,
  };
}

function binValue(st: Stat, i: number): number {
  return st.min + ((st.max - st.min) * i) / st.hist!.length;
}

/** Keep the central `p` percent of the distribution (both tails clipped at (100−p)%). */
export function percentileRange(st: Stat, p: number): ActivationRange {
  const hist = st.hist!;
  const total = hist.reduce((a, b) => a + b, 0);
  const tail = (total * (100 - p)) / 100;
  let lo = 0;
  for (let acc = 0; lo < hist.length && acc + hist[lo] <= tail; lo++) acc += hist[lo];
  let hi = hist.length;
  for (let acc = 0; hi > 0 && acc + hist[hi - 1] <= tail; hi--) acc += hist[hi - 1];
  return { min: Math.max(st.min, binValue(st, lo)), max: Math.min(st.max, binValue(st, hi)) };
}

/**
 * KL-divergence threshold (TensorRT): for each candidate clip bin i, compare the reference distribution
 * (outliers folded into the last bin) with the same bins quantized to `levels` levels and expanded back.
 * One-sided for non-negative tensors (e.g. after ReLU); otherwise on |x| with a symmetric threshold.
 */
export function entropyRange(st: Stat): ActivationRange {
  const src = st.hist!;
  const bins = src.length;
  const oneSided = st.min >= 0;
  let hist: Float64Array;
  let width: number;
  if (oneSided) {
    // Rebin onto [0, max] so bin 0 starts at zero.
    const maxAbs = st.max;
    width = maxAbs / bins || 1;
    hist = new Float64Array(bins);
    for (let i = 0; i < bins; i++) hist[Math.min(bins - 1, Math.floor(binValue(st, i + 0.5) / width))] += src[i];
  } else {
    const maxAbs = Math.max(-st.min, st.max);
    width = maxAbs / bins || 1;
    hist = new Float64Array(bins);
    for (let i = 0; i < bins; i++) hist[Math.min(bins - 1, Math.floor(Math.abs(binValue(st, i + 0.5)) / width))] += src[i];
  }
  const levels = oneSided ? 255 : 127;
  if (bins <= levels) return { min: st.min, max: st.max };
  let best = bins;
  let bestKl = Infinity;
  const p = new Float64Array(bins);
  const q = new Float64Array(bins);
  for (let i = levels; i <= bins; i += 8) {
    let outliers = 0;
    for (let j = i; j < bins; j++) outliers += hist[j];
    for (let j = 0; j < i; j++) p[j] = hist[j];
    p[i - 1] += outliers;
    // Quantize hist[0..i) into `levels` groups, then spread each group's mass over its non-empty bins.
    const per = i / levels;
    for (let g = 0; g < levels; g++) {
      const a = Math.floor(g * per);
      const b = g === levels - 1 ? i : Math.floor((g + 1) * per);
      let sum = 0;
      let nonzero = 0;
      for (let j = a; j < b; j++) {
        sum += hist[j];
        if (hist[j] > 0) nonzero++;
      }
      for (let j = a; j < b; j++) q[j] = hist[j] > 0 ? sum / nonzero : 0;
    }
    let ps = 0;
    let qs = 0;
    for (let j = 0; j < i; j++) (ps += p[j], (qs += q[j]));
    let kl = 0;
    for (let j = 0; j < i; j++) {
      if (p[j] === 0) continue;
      const pj = p[j] / ps;
      const qj = q[j] / qs;
      kl += qj > 0 ? pj * Math.log(pj / qj) : pj * 20; // an empty q bin where p has mass: large penalty
    }
    if (kl < bestKl) (bestKl = kl), (best = i);
  }
  const t = best * width;
  return oneSided ? { min: 0, max: Math.min(st.max, t) } : { min: Math.max(st.min, -t), max: Math.min(st.max, t) };
}
