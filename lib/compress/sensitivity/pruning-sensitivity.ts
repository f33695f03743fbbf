// Per-layer pruning sensitivity (SparseML's / Distiller's sensitivity analysis): prune ONE layer alone, one-shot
// and without fine-tuning, and score the model on the validation images in onnxruntime-node:
//   - unstructured: the smallest |w| of that layer's kernel zeroed at 25 / 50 / 75 / 90 % (exact counts, as the
//     prune stage's masks), every other layer untouched;
//   - structured, where channel pruning applies: 25 / 50 % of the channels of the layer's channel group removed
//     (a group = the filters tied together by BatchNorm, depthwise convs and residual adds, so a layer feeding an
//     Add shares its curve with the other producers of that sum) — the same plan the prune stage would make.
// The curves are the raw material for sensitivity-allocated pruning (allocate-sparsity.ts) and the run page.
import * as tf from "@tensorflow/tfjs";
import { cloneModel, kernelLayers, kernelVariable } from "../model-graph";
import { smallest } from "../prune-magnitude";
import { channelGroups, keptChannels, removeChannels } from "../prune-structured";
import { scoreModel, type ScoringSet } from "./evaluate-onnx-split";

export const DEFAULT_SPARSITIES = [0.25, 0.5, 0.75, 0.9];
export const DEFAULT_CHANNEL_FRACTIONS = [0.25, 0.5];

export interface PruningSensitivityOptions {
  sparsities?: number[];
  channelFractions?: number[];
  criterion?: "l1" | "l2";
  /** A group keeps at least this many channels (as the prune stage's `minChannels`). */
  minChannels?: number;
  /** Called after each layer or group (progress, cancellation: throw to stop). */
  onStep?: (done: number, total: number) => Promise<void> | void;
}

export interface SparsityPoint {
  sparsity: number;
  /** Validation top-1 with this layer alone at this sparsity. */
  accuracy: number;
}

export interface ChannelPoint {
  fraction: number;
  /** Channels really removed (rounding and `minChannels` decide). */
  removed: number;
  accuracy: number;
}

export interface ChannelSensitivity {
  /** The producers whose filters are tied into one group (this layer included). */
  group: string[];
  channels: number;
  curve: ChannelPoint[];
}

export interface LayerPruningSensitivity {
  layer: string;
  className: string;
  /** Kernel weights (what unstructured sparsity is counted over). */
  weights: number;
  curve: SparsityPoint[];
  /** null where structured pruning cannot apply (a depthwise conv, the logits, a frozen group). */
  channels: ChannelSensitivity | null;
}

export interface PruningSensitivity {
  images: number;
  /** Validation top-1 of the unpruned model (the curves' point at 0). */
  baseAccuracy: number;
  layers: LayerPruningSensitivity[];
}

export async function pruningSensitivity(model: tf.LayersModel, val: ScoringSet, opts: PruningSensitivityOptions = {}): Promise<PruningSensitivity> {
  const sparsities = opts.sparsities ?? DEFAULT_SPARSITIES;
  const fractions = opts.channelFractions ?? DEFAULT_CHANNEL_FRACTIONS;
  const criterion = opts.criterion ?? "l1";
  const minChannels = opts.minChannels ?? 1;
  // Kernels are edited and restored one at a time: on a clone, so the caller's model is never touched.
  const work = await cloneModel(model);
  try {
    const fp32 = async (m: tf.LayersModel) => (await scoreModel(m, { precision: "fp32" }, val)).accuracy;
    const baseAccuracy = await fp32(work);
    const layers = kernelLayers(work);
    const groups = channelGroups(work);
    const total = layers.length + groups.length;
    let done = 0;

    const rows = new Map<string, LayerPruningSensitivity>();
    for (const layer of layers) {
      const v = kernelVariable(layer)!;
      const original = tf.clone(v);
      const values = v.dataSync() as Float32Array;
      const curve: SparsityPoint[] = [];
      try {
        for (const sparsity of sparsities) {
          const pruned = Float32Array.from(values);
          for (const j of smallest(values, Math.round(values.length * sparsity))) pruned[j] = 0;
          tf.tidy(() => v.assign(tf.tensor(pruned, v.shape)));
          curve.push({ sparsity, accuracy: await fp32(work) });
        }
      } finally {
        v.assign(original);
        original.dispose();
      }
      rows.set(layer.name, { layer: layer.name, className: layer.getClassName(), weights: values.length, curve, channels: null });
      await opts.onStep?.(++done, total);
    }

    for (const g of groups) {
      const curve: ChannelPoint[] = [];
      for (const fraction of fractions) {
        const kept = keptChannels(g, { fraction, criterion, minChannels });
        if (!kept) {
          curve.push({ fraction, removed: 0, accuracy: baseAccuracy });
          continue;
        }
        const smaller = await removeChannels(work, new Map(g.tensors.map((id) => [id, kept])));
        try {
          curve.push({ fraction, removed: g.channels - kept.length, accuracy: await fp32(smaller) });
        } finally {
          smaller.dispose();
        }
      }
      const channels: ChannelSensitivity = { group: g.producers.map((p) => p.name), channels: g.channels, curve };
      for (const p of g.producers) rows.get(p.name)!.channels = channels;
      await opts.onStep?.(++done, total);
    }
    return { images: val.shape[0], baseAccuracy, layers: [...rows.values()] };
  } finally {
    work.dispose();
  }
}
