// The NAS search space: a MobileNetV2-style network (the zoo's stage layout, lib/ml/models/zoo.ts) with four
// knobs — width multiplier, blocks per stage (depth), depthwise kernel size and expansion ratio.
import * as tf from "@tensorflow/tfjs";
import type { MobileNetKnobs } from "../ml/models/architecture";
import { blockContext } from "../ml/models/blocks";
import { mobileNetV2 } from "../ml/models/zoo";
import { seededRandom } from "../ml/random";

/** A candidate: the knobs of the zoo's MobileNetV2 layout. */
export type NasConfig = MobileNetKnobs;

export interface NasSpace {
  widths: number[];
  depths: number[];
  kernels: number[];
  expansions: number[];
}

export function buildNasModel(cfg: NasConfig, opts: { inputShape: [number, number, number]; numClasses: number; seed: number }): tf.LayersModel {
  const input = tf.input({ shape: opts.inputShape, name: "input" });
  const logits = mobileNetV2(blockContext(opts.seed), input, opts.numClasses, cfg);
  const name = `nas-w${cfg.width}-d${cfg.depth}-k${cfg.kernel}-e${cfg.expansion}`.replace(/\./g, "_");
  return tf.model({ inputs: input, outputs: logits, name });
}

export const configKey = (c: NasConfig) => `${c.width}/${c.depth}/${c.kernel}/${c.expansion}`;

/** A seeded sampler of configs from the space. */
export function configSampler(space: NasSpace, seed: number) {
  const random = seededRandom(seed);
  const pickFrom = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)];
  return {
    /** A seeded choice among `xs` (evolution's tournament). */
    choose: pickFrom,
    sample: (): NasConfig => ({ width: pickFrom(space.widths), depth: pickFrom(space.depths), kernel: pickFrom(space.kernels), expansion: pickFrom(space.expansions) }),
    /** One knob changed to another value of the space (evolution's mutation). */
    mutate: (c: NasConfig): NasConfig => {
      const knobs = (["width", "depth", "kernel", "expansion"] as const).filter((k) => space[`${k}s` as keyof NasSpace].length > 1);
      if (!knobs.length) return { ...c };
      const knob = pickFrom(knobs);
      const options = space[`${knob}s` as keyof NasSpace].filter((v) => v !== c[knob]);
      return { ...c, [knob]: pickFrom(options) };
    },
  };
}
