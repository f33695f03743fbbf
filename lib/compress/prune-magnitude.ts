// Unstructured magnitude pruning: binary masks that zero the smallest |w| of every kernel, per layer or over
// all layers at once (global). Masks are exact counts (round(n·s) weights), so measured sparsity is the target.
import * as tf from "@tensorflow/tfjs";
import { kernelLayers, kernelVariable } from "./model-graph";

export type Masks = Map<tf.Variable, tf.Tensor>;

/** Indices of the `k` smallest magnitudes of `values` (ties broken by position, so results are deterministic). */
export function smallest(values: Float32Array, k: number): Uint32Array {
  const order = Uint32Array.from({ length: values.length }, (_, i) => i);
  order.sort((a, b) => Math.abs(values[a]) - Math.abs(values[b]) || a - b);
  return order.subarray(0, k);
}

/**
 * New masks for `sparsity`; disposes `previous`. With `layerScale` (layer scope only), layer L is pruned to
 * sparsity × scale[L] — a sensitivity allocation's per-layer targets, followed along the same schedule.
 */
export function computeMasks(model: tf.LayersModel, sparsity: number, scope: "layer" | "global", previous?: Masks, layerScale?: Map<string, number>): Masks {
  if (previous) for (const m of previous.values()) m.dispose();
  const layers = kernelLayers(model);
  const variables = layers.map((l) => kernelVariable(l)!);
  const values = variables.map((v) => v.dataSync() as Float32Array);
  const keep = values.map((v) => new Float32Array(v.length).fill(1));
  if (scope === "layer") {
    values.forEach((v, i) => {
      const s = Math.min(1, sparsity * (layerScale?.get(layers[i].name) ?? 1));
      for (const j of smallest(v, Math.round(v.length * s))) keep[i][j] = 0;
    });
  } else {
    const total = values.reduce((a, v) => a + v.length, 0);
    const all = new Float32Array(total);
    const owner = new Uint32Array(total);
    let offset = 0;
    values.forEach((v, i) => {
      all.set(v, offset);
      owner.fill(i, offset, offset + v.length);
      offset += v.length;
    });
    const starts = values.map((_, i) => values.slice(0, i).reduce((a, v) => a + v.length, 0));
    for (const j of smallest(all, Math.round(total * sparsity))) keep[owner[j]][j - starts[owner[j]]] = 0;
  }
  return new Map(variables.map((v, i) => [v, tf.tensor(keep[i], v.shape)]));
}

/** w ← w·mask for every masked kernel (after each optimizer step, so pruned weights stay zero). */
export function applyMasks(masks: Masks): void {
  tf.tidy(() => {
    for (const [v, m] of masks) v.assign(tf.mul(v, m));
  });
}

export function disposeMasks(masks: Masks | undefined): void {
  if (masks) for (const m of masks.values()) m.dispose();
}

/** Fraction of zeros per kernel layer and over all kernels (what tfmot and modelStats call sparsity). */
export function kernelSparsity(model: tf.LayersModel): { overall: number; perLayer: Record<string, number> } {
  let zeros = 0;
  let total = 0;
  const perLayer: Record<string, number> = {};
  for (const layer of kernelLayers(model)) {
    const v = kernelVariable(layer)!.dataSync();
    let z = 0;
    for (let i = 0; i < v.length; i++) if (v[i] === 0) z++;
    perLayer[layer.name] = z / v.length;
    zeros += z;
    total += v.length;
  }
  return { overall: total ? zeros / total : 0, perLayer };
}

/** Masks keyed by kernel position, for a checkpoint (variable names differ between processes). */
export function masksByPosition(model: tf.LayersModel, masks: Masks | undefined): tf.NamedTensorMap {
  const out: tf.NamedTensorMap = {};
  if (masks) kernelLayers(model).forEach((l, i) => {
    const m = masks.get(kernelVariable(l)!);
    if (m) out[`kernel-${i}`] = m;
  });
  return out;
}

/** The masks of a checkpoint (what masksByPosition saved), taking ownership of its tensors; disposes `previous`. */
export function masksFromPosition(model: tf.LayersModel, tensors: tf.NamedTensorMap, previous?: Masks): Masks | undefined {
  disposeMasks(previous);
  const masks: Masks = new Map();
  kernelLayers(model).forEach((l, i) => {
    const m = tensors[`kernel-${i}`];
    if (m) masks.set(kernelVariable(l)!, m);
  });
  return masks.size ? masks : undefined;
}
