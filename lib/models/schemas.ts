// Request and response schemas of the models API (zod only: the browser form may import them).
import { z } from "zod";

const Name = z.string().trim().min(1, "a name is required").max(80, "at most 80 characters").regex(/[a-z0-9]/i, "needs at least one letter or digit");

/** "0.485,0.456,0.406" in a query string → [0.485, 0.456, 0.406]. */
const PerChannel = (what: string) =>
  z
    .string()
    .regex(/^\s*-?[\d.]+(e-?\d+)?(\s*,\s*-?[\d.]+(e-?\d+)?){0,2}\s*$/i, `${what}: one number, or one per channel separated by commas`)
    .transform((s) => s.split(",").map(Number))
    .pipe(z.array(z.number().finite()).min(1).max(3));

/**
 * How a pixel p (0–255) becomes the model's input: (p · scale − mean[c]) / std[c]. The default is the lab's
 * own (p / 255); PyTorch's torchvision normalisation is e.g. mean=0.2860&std=0.3530 for Fashion-MNIST.
 */
export const Preprocessing = z.object({
  scale: z.coerce.number().gt(0, "scale must be positive").max(1).default(1 / 255),
  mean: PerChannel("mean").default([0]),
  std: PerChannel("std").refine((v) => v.every((x) => x > 0), "std must be positive").default([1]),
});
export type Preprocessing = z.infer<typeof Preprocessing>;

/** POST /api/models?name=…&datasetId=…[&scale=…&mean=…&std=…] — the ONNX file (or a TF.js Layers model zipped) is the raw body. */
export const UploadModelQuery = Preprocessing.extend({
  name: Name,
  datasetId: z.string().trim().min(1, "datasetId is required").max(200),
  /** How many test images the converter-vs-onnxruntime check and the accuracy use (default 500). */
  testImages: z.coerce.number().int().min(10).max(10_000).default(500),
}).strict();
export type UploadModelQuery = z.infer<typeof UploadModelQuery>;

export const TechniqueFit = z.object({ applies: z.boolean(), reason: z.string().optional() });

export const ModelResponse = z.object({
  id: z.string(),
  name: z.string(),
  format: z.enum(["onnx", "tfjs"]),
  datasetId: z.string(),
  inputShape: z.array(z.number()),
  layout: z.enum(["NCHW", "NHWC"]),
  preprocessing: z.object({ scale: z.number(), mean: z.array(z.number()), std: z.array(z.number()) }),
  classes: z.number(),
  params: z.number(),
  macs: z.number(),
  fp32Bytes: z.number(),
  sha256: z.string(),
  operators: z.record(z.string(), z.number()),
  techniques: z.record(z.string(), TechniqueFit),
  check: z.object({ images: z.number(), maxAbsDiff: z.number(), logitScale: z.number(), top1Agreement: z.number(), passed: z.boolean() }),
  accuracy: z.number(),
  testImages: z.number(),
  hint: z.string().optional(),
  createdAt: z.string(),
});
export type ModelResponse = z.infer<typeof ModelResponse>;
