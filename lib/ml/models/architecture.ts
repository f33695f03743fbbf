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
