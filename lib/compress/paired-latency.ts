// A searched model's latency on one scale, the stage runner's paired measure: its ONNX file is timed interleaved
// with the run baseline's (1 thread), and its latency is the baseline's reference latency (its p50 in the search's
// first pair) divided by the paired speed-up. Load that comes and goes during a search slows both halves of a
// pair, so it cannot make one candidate look faster than another. Shared by the searches (nas, auto).
import type * as tf from "@tensorflow/tfjs";
import { exportOnnx } from "../onnx/export";
import type { PairedSpeedup } from "../onnx/paired-speedup";
import { measurePairedLatency } from "../onnx/session";
import type { TechniqueContext } from "./types";

/** Batch-1 runs per model per latency measurement during a search: 20 interleaved rounds of 10. */
const SEARCH_LATENCY_RUNS = 200;

/** Per run baseline: its ONNX file and the reference latency every candidate's paired speed-up is applied to. */
const latencyReference = new WeakMap<tf.LayersModel, { onnx: Uint8Array; referenceMs?: number }>();

export async function pairedLatency(ctx: Pick<TechniqueContext, "baseline" | "inputShape">, candidate: Uint8Array): Promise<{ latencyMs: number; speedup: PairedSpeedup }> {
  let ref = latencyReference.get(ctx.baseline);
  if (!ref) latencyReference.set(ctx.baseline, (ref = { onnx: exportOnnx(ctx.baseline, { precision: "fp32" }) }));
  const [h, w, c] = ctx.inputShape;
  const r = await measurePairedLatency(ref.onnx, candidate, [1, c, h, w], { rounds: SEARCH_LATENCY_RUNS / 10, runsPerRound: 10 });
  ref.referenceMs ??= r.baselineP50Ms;
  return { latencyMs: ref.referenceMs / r.speedup.median, speedup: r.speedup };
}
