// Weight clustering (weight sharing, Han et al. 2016; tfmot.clustering): each kernel's weights are replaced by
// the nearest of k centroids found by 1-D k-means, then fine-tuned with the centroids as the parameters (the
// gradient of a centroid is the sum of its weights' gradients). The file keeps float weights, but only k
// distinct values per layer, which is what gzip (the app download) then squeezes. BatchNorm is folded first,
// otherwise the exporter's fold would multiply each channel by its own scale and undo the sharing.
import { gzipSync } from "node:zlib";
import * as tf from "@tensorflow/tfjs";
import { ClusterParams, clusterDescriptor } from "./cluster.schema";
import { fineTune } from "./fine-tune";
import { foldBatchNorm, kernelLayers, kernelVariable, runGraph } from "./model-graph";
import { throwIfCancelled } from "./cancel";
import type { StageResult, Technique, TechniqueContext } from "./types";

/** Initial centroids: evenly spaced over [min, max] (linear) or at evenly spaced quantiles (density). */
export function initialCentroids(sorted: Float32Array, k: number, init: "linear" | "density"): Float64Array {
  const c = new Float64Array(k);
  const [lo, hi] = [sorted[0], sorted[sorted.length - 1]];
  for (let j = 0; j < k; j++) {
    c[j] = init === "linear" ? (k === 1 ? (lo + hi) / 2 : lo + ((hi - lo) * j) / (k - 1)) : sorted[Math.min(sorted.length - 1, Math.floor(((j + 0.5) / k) * sorted.length))];
  }
  return c;
}

/** Index of the nearest centroid (centroids ascending). */
function nearest(c: Float64Array, v: number): number {
  let lo = 0;
  let hi = c.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v > (c[mid] + c[mid + 1]) / 2) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** 1-D k-means (Lloyd) on `values`; returns ascending centroids and each value's cluster. */
export function kmeans1d(values: Float32Array, k: number, init: "linear" | "density", iterations = 25): { centroids: Float64Array; assignment: Int32Array } {
  const sorted = Float32Array.from(values).sort();
  let c = initialCentroids(sorted, k, init);
  const assignment = new Int32Array(values.length);
  for (let it = 0; it < iterations; it++) {
    const sum = new Float64Array(k);
    const count = new Float64Array(k);
    for (const v of sorted) {
      const j = nearest(c, v);
      sum[j] += v;
      count[j]++;
    }
    let moved = 0;
    // An empty cluster keeps its centroid (it can still win weights later in fine-tuning).
    const next = Float64Array.from(c, (old, j) => (count[j] ? sum[j] / count[j] : old)).sort();
    next.forEach((v, j) => (moved = Math.max(moved, Math.abs(v - c[j]))));
    c = next;
    if (moved === 0) break;
  }
  for (let i = 0; i < values.length; i++) assignment[i] = nearest(c, values[i]);
  return { centroids: c, assignment };
}

export interface ClusteredKernel {
  layer: tf.layers.Layer;
  kernel: tf.Variable;
  centroids: tf.Variable;
  /** Cluster index per weight; index = k for weights pinned at zero (sparsity preserved). */
  assignment: tf.Tensor;
  zeroIndex: number | null;
  /** Weight indices sorted by cluster, and each cluster's [start, end) in that order: the centroid gradient as segment sums. */
  order: tf.Tensor;
  bounds: { starts: tf.Tensor; ends: tf.Tensor };
}

/** Centroids = the distinct values themselves when there are at most k of them (at least one, so that an all-zero
 *  kernel still has a centroid table); null when k-means is needed. */
function fewValues(values: Float32Array, k: number): { centroids: Float64Array; assignment: Int32Array } | null {
  const distinct = Float64Array.from(new Set(values)).sort();
  if (distinct.length > k) return null;
  const centroids = distinct.length ? distinct : Float64Array.of(0);
  return { centroids, assignment: Int32Array.from(values, (v) => nearest(centroids, v)) };
}

export function clusterKernel(layer: tf.layers.Layer, k: number, params: ClusterParams): ClusteredKernel {
  const kernel = kernelVariable(layer)!;
  const values = kernel.dataSync() as Float32Array;
  const zeros = params.preserveSparsity ? values.reduce((n, v) => n + (v === 0 ? 1 : 0), 0) : 0;
  // With zeros pinned, zero is one of the k values: k − 1 centroids for the rest.
  const free = zeros ? values.filter((v) => v !== 0) : values;
  // A kernel that already has few enough values (an already-clustered model) is clustered all the same, with its
  // own values as the centroids: left out, it would stay trainable in fine-tuning and leave with many values.
  const { centroids, assignment } = fewValues(free, zeros ? k - 1 : k) ?? kmeans1d(free, zeros ? k - 1 : k, params.init);
  const clusters = centroids.length;
  const full = new Int32Array(values.length);
  for (let i = 0, j = 0; i < values.length; i++) full[i] = zeros && values[i] === 0 ? clusters : assignment[j++];
  const counts = new Int32Array(clusters + 1);
  for (const a of full) counts[a]++;
  const starts = new Int32Array(clusters);
  for (let j = 1; j < clusters; j++) starts[j] = starts[j - 1] + counts[j - 1];
  const ends = Int32Array.from(starts, (s, j) => s + counts[j]);
  const order = Int32Array.from({ length: full.length }, (_, i) => i).sort((a, b) => full[a] - full[b] || a - b);
  // tidy: tf.variable keeps the data, but the tensor it was made from would otherwise stay alive.
  const centroidVar = tf.tidy(() => tf.variable(tf.tensor1d(Float32Array.from(centroids)), true));
  return {
    layer,
    kernel,
    centroids: centroidVar,
    assignment: tf.tensor(full, kernel.shape, "int32"),
    zeroIndex: zeros ? clusters : null,
    order: tf.tensor1d(order, "int32"),
    bounds: { starts: tf.tensor1d(starts, "int32"), ends: tf.tensor1d(ends, "int32") },
  };
}

/**
 * The kernel as its centroids gathered by assignment. The gradient of centroid j is the sum of the kernel's
 * gradient over cluster j, computed as differences of a cumulative sum in cluster order (gather's own gradient
 * needs UnsortedSegmentSum, which the wasm and onednn backends lack).
 */
export function sharedKernel(c: ClusteredKernel): tf.Tensor {
  const op = tf.customGrad((centroids) => {
    const table = c.zeroIndex === null ? (centroids as tf.Tensor) : tf.concat([centroids as tf.Tensor, tf.zeros([1])]);
    return {
      value: tf.gather(table, c.assignment),
      gradFunc: (dy: tf.Tensor) => {
        const sorted = tf.gather(tf.reshape(dy, [-1]), c.order);
        const running = tf.concat([tf.zeros([1]), tf.cumsum(sorted)]);
        return tf.sub(tf.gather(running, c.bounds.ends), tf.gather(running, c.bounds.starts));
      },
    };
  });
  return op(c.centroids);
}

function gzipBytesOfKernels(model: tf.LayersModel): number {
  const parts = kernelLayers(model).map((l) => Buffer.from((kernelVariable(l)!.dataSync() as Float32Array).slice().buffer));
  return gzipSync(Buffer.concat(parts), { level: 9 }).byteLength;
}

async function apply(input: tf.LayersModel, params: ClusterParams, ctx: TechniqueContext): Promise<StageResult> {
  throwIfCancelled(ctx);
  const { model, folded } = await foldBatchNorm(input);
  const clustered: ClusteredKernel[] = [];
  try {
    const gzipBefore = gzipBytesOfKernels(model);
    for (const layer of kernelLayers(model)) clustered.push(clusterKernel(layer, params.clusters, params));
    const byLayer = new Map(clustered.map((c) => [c.layer.name, c]));
    ctx.log(`cluster: folded ${folded} BatchNorm layers; ${clustered.length} kernels → ${params.clusters} shared values each (${params.init} init)`);
    const kernels = new Set(clustered.map((c) => c.kernel));
    const variables = [...model.trainableWeights.map((w) => w.read() as tf.Variable).filter((v) => !kernels.has(v)), ...clustered.map((c) => c.centroids)];
    const hooks = { kernel: (layer: tf.layers.Layer, kernel: tf.Tensor) => (byLayer.has(layer.name) ? sharedKernel(byLayer.get(layer.name)!) : kernel) };
    // Assignments are fixed during fine-tuning and k-means on the unchanged input is deterministic, so a resumed
    // stage recomputes the same ones; the checkpoint holds the centroids and the other trained variables.
    await fineTune(ctx, {
      epochs: params.epochs,
      learningRate: params.learningRate,
      variables,
      logits: (x) => runGraph(model, x, true, hooks) as tf.Tensor2D,
      predict: (x) => runGraph(model, x, false, hooks) as tf.Tensor2D,
      // the hooks see each layer's output: BatchNorm and ReLU stay two layers
      fastPaths: { model },
      checkpoint: "cluster",
    });
    // Strip: the shared values become the plain kernels of an ordinary model.
    for (const c of clustered) tf.tidy(() => c.kernel.assign(sharedKernel(c)));
    const gzipAfter = gzipBytesOfKernels(model);
    ctx.log(`cluster: gzip of the kernels ${gzipBefore} → ${gzipAfter} bytes`);
    return { model, precision: "fp32", details: { clusters: params.clusters, init: params.init, clusteredLayers: clustered.map((c) => c.layer.name), foldedBatchNorms: folded, kernelGzipBytesBefore: gzipBefore, kernelGzipBytesAfter: gzipAfter } };
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    for (const c of clustered) tf.dispose([c.centroids, c.assignment, c.order, c.bounds.starts, c.bounds.ends]);
  }
}

export const cluster = {
  ...clusterDescriptor,
  apply,
} satisfies Technique<ClusterParams>;
