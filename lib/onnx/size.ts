/** File size as shipped: raw bytes and gzip bytes (what an app download costs), plus parameter counts. */
import { gzipSync } from "node:zlib";
import type * as tf from "@tensorflow/tfjs";

export function sizeOf(bytes: Uint8Array): { bytes: number; gzipBytes: number } {
  return { bytes: bytes.byteLength, gzipBytes: gzipSync(bytes, { level: 9 }).byteLength };
}

/** Parameters and non-zero parameters of a tfjs model (all weights, trainable or not). */
export function paramsOf(model: tf.LayersModel): { params: number; nonzeroParams: number } {
  let params = 0;
  let nonzeroParams = 0;
  for (const w of model.weights) {
    const data = w.read().dataSync();
    params += data.length;
    for (let i = 0; i < data.length; i++) if (data[i] !== 0) nonzeroParams++;
  }
  return { params, nonzeroParams };
}
