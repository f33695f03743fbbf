// Which techniques can apply to an imported model: each technique's own `check` (the one submission runs), so
// the upload answer and a later 422 can never disagree.
import type * as tf from "@tensorflow/tfjs";
import { cluster } from "../compress/cluster";
import { distill } from "../compress/distill";
import { prune } from "../compress/prune";
import { quantize } from "../compress/quantize";
import type { Technique } from "../compress/types";

export interface TechniqueFit {
  applies: boolean;
  reason?: string;
}

const CASES: [string, Technique<unknown>, Record<string, unknown>][] = [
  ["distill", distill as unknown as Technique<unknown>, { teacher: "baseline", student: "input" }],
  ["prune-unstructured", prune as unknown as Technique<unknown>, { method: "unstructured" }],
  ["prune-structured", prune as unknown as Technique<unknown>, { method: "structured" }],
  ["quantize-ptq", quantize as unknown as Technique<unknown>, { mode: "ptq" }],
  ["quantize-qat", quantize as unknown as Technique<unknown>, { mode: "qat" }],
  ["cluster", cluster as unknown as Technique<unknown>, {}],
];

export function techniqueFit(model: tf.LayersModel): Record<string, TechniqueFit> {
  // Fine-tuning (the baseline's fineTuneEpochs) is the training loop every technique uses: it always applies.
  const out: Record<string, TechniqueFit> = { "fine-tune": { applies: true } };
  for (const [label, technique, raw] of CASES) {
    const params = technique.configSchema.safeParse(raw);
    let reason: string | null = params.success ? null : `default parameters invalid: ${params.error.message}`;
    try {
      if (!reason && technique.check) reason = technique.check(model, params.data);
    } catch (e) {
      reason = (e as Error).message;
    }
    out[label] = reason ? { applies: false, reason } : { applies: true };
  }
  return out;
}
