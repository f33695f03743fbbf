/**
 * Does the exported file answer like the trained model? Runs the same NHWC images through tfjs
 * (`model.predict`) and onnxruntime-node and compares. A failed check throws `OnnxVerificationError`
 * with the numbers, so a pipeline stage fails loudly instead of shipping a wrong model.
 */
import * as tf from "@tensorflow/tfjs";
import { argmaxRows, runOnnx, type OnnxSource } from "./session";

export class OnnxVerificationError extends Error {
  constructor(
    message: string,
    readonly result: VerifyResult,
  ) {
    super(message);
    this.name = "OnnxVerificationError";
  }
}

export interface VerifyOptions {
  precision?: "fp32" | "int8";
  /** Needed for int8 (accuracy comparison) and reported for fp32. */
  labels?: Int32Array | Uint8Array;
  /** FP32 bars (issue #5): top-1 agreement ≥ 99.5 %, max |logit diff| ≤ 1e-3. */
  minAgreement?: number;
  maxAbsDiff?: number;
  /** INT8 bar: ORT INT8 accuracy may be at most this much below the tfjs model's (default 0.01 = 1 pp). */
  maxAccuracyDrop?: number;
  batchSize?: number;
}

export interface VerifyResult {
  n: number;
  precision: "fp32" | "int8";
  top1Agreement: number;
  maxAbsDiff: number;
  meanAbsDiff: number;
  tfjsAccuracy?: number;
  onnxAccuracy?: number;
}

/** tfjs outputs for NHWC images, batched and tidy. */
export function predictTfjs(model: tf.LayersModel, images: Float32Array, shape: readonly number[], batchSize = 64): Float32Array {
  const [n, h, w, c] = shape;
  const chunks: Float32Array[] = [];
  for (let s = 0; s < n; s += batchSize) {
    const b = Math.min(batchSize, n - s);
    const y = tf.tidy(() => {
      const x = tf.tensor4d(images.subarray(s * h * w * c, (s + b) * h * w * c), [b, h, w, c]);
      return model.predict(x) as tf.Tensor;
    });
    chunks.push(y.dataSync() as Float32Array);
    y.dispose();
  }
  const out = new Float32Array(chunks.reduce((a, x) => a + x.length, 0));
  let o = 0;
  for (const ch of chunks) (out.set(ch, o), (o += ch.length));
  return out;
}

function accuracy(pred: Int32Array, labels: Int32Array | Uint8Array): number {
  let ok = 0;
  pred.forEach((p, i) => (ok += p === labels[i] ? 1 : 0));
  return ok / pred.length;
}

/** Compare without throwing. */
export async function compareOnnx(
  model: tf.LayersModel,
  onnx: OnnxSource,
  images: Float32Array,
  shape: [number, number, number, number],
  opts: VerifyOptions = {},
): Promise<VerifyResult> {
  const ref = predictTfjs(model, images, shape, opts.batchSize);
  const { output, width } = await runOnnx(onnx, images, shape, opts.batchSize);
  if (output.length !== ref.length) throw new Error(`verify: ONNX gives ${output.length / shape[0]} outputs per image, tfjs ${ref.length / shape[0]}`);
  let maxAbsDiff = 0;
  let sum = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(ref[i] - output[i]);
    if (!(d <= maxAbsDiff)) maxAbsDiff = Number.isNaN(d) ? Infinity : d;
    sum += d;
  }
  const pRef = argmaxRows(ref, width);
  const pOnnx = argmaxRows(output, width);
  let agree = 0;
  pRef.forEach((p, i) => (agree += p === pOnnx[i] ? 1 : 0));
  const result: VerifyResult = {
    n: shape[0],
    precision: opts.precision ?? "fp32",
    top1Agreement: agree / shape[0],
    maxAbsDiff,
    meanAbsDiff: sum / ref.length,
  };
  if (opts.labels) {
    result.tfjsAccuracy = accuracy(pRef, opts.labels);
    result.onnxAccuracy = accuracy(pOnnx, opts.labels);
  }
  return result;
}

/** Compare and throw `OnnxVerificationError` when the export misses the bar. */
export async function verifyOnnx(
  model: tf.LayersModel,
  onnx: OnnxSource,
  images: Float32Array,
  shape: [number, number, number, number],
  opts: VerifyOptions = {},
): Promise<VerifyResult> {
  const precision = opts.precision ?? "fp32";
  if (precision === "int8" && !opts.labels) throw new Error("verifyOnnx: int8 verification needs labels (it compares accuracy)");
  const r = await compareOnnx(model, onnx, images, shape, opts);
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  if (precision === "fp32") {
    const minAgree = opts.minAgreement ?? 0.995;
    const maxDiff = opts.maxAbsDiff ?? 1e-3;
    if (r.top1Agreement < minAgree || r.maxAbsDiff > maxDiff)
      throw new OnnxVerificationError(
        `ONNX FP32 export disagrees with the tfjs model on ${r.n} images: top-1 agreement ${pct(r.top1Agreement)} ` +
          `(need ≥ ${pct(minAgree)}), max |logit diff| ${r.maxAbsDiff.toExponential(2)} (need ≤ ${maxDiff.toExponential(0)})`,
        r,
      );
  } else {
    const maxDrop = opts.maxAccuracyDrop ?? 0.01;
    const drop = r.tfjsAccuracy! - r.onnxAccuracy!;
    if (drop > maxDrop)
      throw new OnnxVerificationError(
        `ONNX INT8 export loses ${(drop * 100).toFixed(2)} pp accuracy on ${r.n} images ` +
          `(tfjs ${pct(r.tfjsAccuracy!)}, ORT int8 ${pct(r.onnxAccuracy!)}; allowed ${(maxDrop * 100).toFixed(2)} pp)`,
        r,
      );
  }
  return r;
}
