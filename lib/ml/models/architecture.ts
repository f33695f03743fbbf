// The architectures of the model zoo, as data: the form and the API use this without loading TensorFlow.js.
import { z } from "zod";

export const Architecture = z.enum(["bench-cnn", "small-cnn", "mobilenet-v2", "resnet"]);
export type Architecture = z.infer<typeof Architecture>;

export const ARCHITECTURES: Record<Architecture, { label: string; description: string }> = {
  "bench-cnn": { label: "bench-cnn", description: "5 conv layers incl. one depthwise, ~50k parameters: the benchmark model" },
  "small-cnn": { label: "Small CNN", description: "3 conv layers with max-pooling, ~24k parameters: fastest to train" },
  "mobilenet-v2": { label: "MobileNetV2-style", description: "inverted residual blocks with ReLU6, width multiplier 0.5" },
  resnet: { label: "ResNet-style", description: "basic residual blocks (ResNet-20), ~270k parameters: a good teacher" },
};

/**
 * MobileNetV2's layout (Sandler et al.) scaled for 28–32 px inputs — the zoo's, the NAS space's and the size
 * estimates' — as [channels, repeats, first stride] per stage; the first stage expands by 1, the others by the
 * expansion knob. A 32·width stem before it, a 256·max(1, width) 1×1 conv after it.
 */
export const MOBILENET_V2_STAGES: readonly (readonly [channels: number, repeats: number, stride: number])[] = [[16, 1, 1], [24, 2, 2], [32, 3, 2], [64, 2, 2], [96, 1, 1]];

/** The knobs of that layout. The zoo's MobileNetV2 is { width, depth: Infinity, kernel: 3, expansion: 6 }; NAS searches them. */
export interface MobileNetKnobs {
  width: number;
  /** Blocks per stage, capped by each stage's repeats. */
  depth: number;
  kernel: number;
  /** Expansion of every stage but the first (which has 1). */
  expansion: number;
}

/** Channels rounded to a multiple of 8, at least 8 (MobileNet's rule). */
export const makeDivisible = (v: number) => Math.max(8, Math.round(v / 8) * 8);
