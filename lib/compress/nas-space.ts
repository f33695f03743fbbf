// The NAS search space: a MobileNetV2-style network (the zoo's stage layout, lib/ml/models/zoo.ts) with four
// knobs — width multiplier, blocks per stage (depth), depthwise kernel size and expansion ratio.
import * as tf from "@tensorflow/tfjs";
import { add, blockContext, classifierHead, convBn, depthwiseBn, type Layer } from "../ml/models/blocks";
import { seededRandom } from "../ml/random";

export interface NasConfig {
  width: number;
  /** Blocks per stage, capped by each stage's MobileNetV2 repeats. */
  depth: number;
  kernel: number;
  expansion: number;
}

export interface NasSpace {
  widths: number[];
  depths: number[];
  kernels: number[];
  expansions: number[];
}

/** [expansion (0 = searched), channels, repeats, first stride] — MobileNetV2 scaled for 28–32 px inputs. */
const STAGES: [number, number, number, number][] = [[1, 16, 1, 1], [0, 24, 2, 2], [0, 32, 3, 2], [0, 64, 2, 2], [0, 96, 1, 1]];

const makeDivisible = (v: number) => Math.max(8, Math.round(v / 8) * 8);

export function buildNasModel(cfg: NasConfig, opts: { inputShape: [number, number, number]; numClasses: number; seed: number }): tf.LayersModel {
  const ctx = blockContext(opts.seed);
  const input = tf.input({ shape: opts.inputShape, name: "input" });
  let x: Layer = convBn(ctx, input, makeDivisible(32 * cfg.width), { relu: "relu6" });
  let channels = makeDivisible(32 * cfg.width);
  for (const [fixedExpansion, c, repeats, stride] of STAGES) {
    const expansion = fixedExpansion || cfg.expansion;
    const out = makeDivisible(c * cfg.width);
    for (let i = 0; i < Math.min(repeats, cfg.depth); i++) {
      const block = x;
      let y = expansion === 1 ? x : convBn(ctx, x, channels * expansion, { kernel: 1, relu: "relu6" });
      y = depthwiseBn(ctx, y, { kernel: cfg.kernel, strides: i === 0 ? stride : 1, relu: "relu6" });
      y = convBn(ctx, y, out, { kernel: 1, relu: null });
      x = i > 0 || (stride === 1 && channels === out) ? add(ctx, block, y) : y;
      channels = out;
    }
  }
  x = convBn(ctx, x, makeDivisible(256 * Math.max(1, cfg.width)), { kernel: 1, relu: "relu6" });
  const logits = classifierHead(ctx, x, opts.numClasses);
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
