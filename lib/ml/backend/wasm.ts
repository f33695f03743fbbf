// The wasm fallback: @tensorflow/tfjs-backend-wasm (XNNPACK, SIMD, one thread in Node) plus our three gradient
// kernels it lacks.
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { createRequire } from "node:module";
import path from "node:path";
import { registerFastGradients } from "./kernels/batchnorm";
import { registerWasmGradKernels } from "./wasm-grad-kernels";

const require = createRequire(import.meta.url);

/** Makes the "wasm" backend usable in Node and returns whether tf.setBackend accepted it. */
export async function setupWasm(): Promise<boolean> {
  // In Node the backend reads its .wasm file from disk: point it at the package's dist/ folder.
  const dist = path.join(path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")), "dist");
  setWasmPaths(dist + path.sep);
  registerWasmGradKernels();
  registerFastGradients(); // batch-norm gradient without tfjs-core's Tile
  return tf.setBackend("wasm");
}
