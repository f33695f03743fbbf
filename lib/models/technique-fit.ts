// Which techniques can apply to an imported model: each technique's own `check` (the one the worker runs before a
// stage), over the fit cases its descriptor declares, so the upload answer and a later 422 can never disagree.
import type * as tf from "@tensorflow/tfjs";
import { techniques } from "../compress";

export interface TechniqueFit {
  applies: boolean;
  reason?: string;
}

export function techniqueFit(model: tf.LayersModel): Record<string, TechniqueFit> {
  // Fine-tuning (the baseline's fineTuneEpochs) is the training loop every technique uses: it always applies.
  const out: Record<string, TechniqueFit> = { "fine-tune": { applies: true } };
  for (const technique of techniques) {
    for (const [key, raw] of Object.entries(technique.fitCases ?? {})) {
      const params = technique.configSchema.safeParse(raw);
      let reason: string | null = params.success ? null : `default parameters invalid: ${params.error.message}`;
      try {
        if (!reason && technique.check) reason = technique.check(model, params.data);
      } catch (e) {
        reason = (e as Error).message;
      }
      out[key] = reason ? { applies: false, reason } : { applies: true };
    }
  }
  return out;
}
