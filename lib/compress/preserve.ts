// What a stage keeps of its input's compression: the zeros of a pruned model and the shared values of a clustered
// one. TF-MOT documents that chaining stages destroys earlier sparsity unless the later training preserves it
// (PQAT, CQAT); here a QAT or cluster stage reads the structure off its input model itself — no flag between
// stages, so the preserving stage works after any pruning or clustering, in any pipeline — and every stage
// reports what it received and what it kept (`preservationOf`, recorded by the stage runner in its details).
import * as tf from "@tensorflow/tfjs";
import { reductionAxes } from "./fake-quant";
import { kernelLayers, kernelVariable } from "./model-graph";
import { kernelSparsity, type Masks } from "./prune-magnitude";

/** A kernel counts as clustered when it holds at most this many distinct values… */
export const MAX_CLUSTERS = 256;
/** …and at most this fraction of its weight count (a 3×3×1×16 first conv has only 144 weights, all distinct). */
const CLUSTERED_FRACTION = 0.25;

const distinctCount = (values: ArrayLike<number>) => new Set(Array.from(values)).size;

/** Kernel layers whose weights are shared values (an output of `cluster`), with their distinct-value count. */
export function clusteredKernels(model: tf.LayersModel): Map<string, number> {
  const out = new Map<string, number>();
  for (const layer of kernelLayers(model)) {
    const values = kernelVariable(layer)!.dataSync();
    const distinct = distinctCount(values);
    if (distinct <= MAX_CLUSTERS && distinct <= values.length * CLUSTERED_FRACTION) out.set(layer.name, distinct);
  }
  return out;
}

/** A 0/1 mask of the non-zero weights of every kernel that has zeros (pruned), except the layers in `skip`. */
export function zeroMasks(model: tf.LayersModel, skip: ReadonlySet<string> = new Set()): Masks {
  const masks: Masks = new Map();
  for (const layer of kernelLayers(model)) {
    if (skip.has(layer.name)) continue;
    const v = kernelVariable(layer)!;
    const values = v.dataSync();
    if (!values.some((x) => x === 0)) continue;
    masks.set(v, tf.tensor(Float32Array.from(values, (x) => (x === 0 ? 0 : 1)), v.shape));
  }
  return masks;
}

/** The most distinct values any one output channel of the layer's kernel holds. Per channel, because the INT8 grid is
 *  per channel: snapping a clustered kernel keeps ≤ k values in each channel, not k over the whole layer. */
export function distinctPerChannel(layer: tf.layers.Layer): number {
  const v = kernelVariable(layer)!;
  const values = v.dataSync();
  const reduced = new Set(reductionAxes(layer.getClassName()));
  const channels = v.shape.filter((_, i) => !reduced.has(i)).reduce((a, b) => a * b, 1);
  const sets = Array.from({ length: channels }, () => new Set<number>());
  for (let i = 0; i < values.length; i++) sets[i % channels].add(values[i]);
  return Math.max(...sets.map((s) => s.size));
}

export interface Preservation {
  /** Fraction of zero kernel weights in the stage's input and output models. */
  sparsityReceived: number;
  sparsityKept: number;
  /** When the input was clustered: the most distinct values per output channel over its clustered layers, in the
   *  input and in the same layers of the output (null where the output no longer has such a layer). */
  clustersReceived?: number;
  clustersKept?: number | null;
}

export function preservationOf(input: tf.LayersModel, output: tf.LayersModel): Preservation {
  const report: Preservation = { sparsityReceived: kernelSparsity(input).overall, sparsityKept: kernelSparsity(output).overall };
  const clustered = clusteredKernels(input);
  if (!clustered.size) return report;
  const maxOver = (model: tf.LayersModel) => {
    const layers = kernelLayers(model).filter((l) => clustered.has(l.name));
    return layers.length ? Math.max(...layers.map(distinctPerChannel)) : null;
  };
  return { ...report, clustersReceived: maxOver(input)!, clustersKept: maxOver(output) };
}
