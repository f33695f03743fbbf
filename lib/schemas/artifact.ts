// An artifact as the API shows it (never its server-side path), and the download route's parameters.
import { z } from "zod";

export const ArtifactKind = z.enum(["onnx-fp32", "onnx-int8", "tfjs", "model-card", "model-card-md"]);

export const ArtifactIdParams = z.object({ id: z.string().min(1).max(64).regex(/^[\w-]+$/, "not an artifact id") });

export const PublicArtifact = z.object({
  id: z.string(),
  runId: z.string(),
  stageIndex: z.number().int(),
  /** onnx-fp32 | onnx-int8 | tfjs | model-card | model-card-md (a string: new kinds may appear) */
  kind: z.string(),
  /** the name offered on download */
  fileName: z.string(),
  bytes: z.number().int(),
  sha256: z.string(),
  createdAt: z.string(),
});
export type PublicArtifact = z.infer<typeof PublicArtifact>;
