// Request schemas of the datasets API (zod only, no TensorFlow.js or sharp: the browser form may import them).
import { z } from "zod";
import { FILE_DATASET_KINDS } from "../ml/data/dataset-kinds";

/** The kinds that come as files ("synthetic" is generated, never registered). */
export const FileDatasetKind = z.enum(FILE_DATASET_KINDS);

export const InputShape = z.tuple([
  z.number().int().min(8, "at least 8 px").max(512, "at most 512 px"),
  z.number().int().min(8, "at least 8 px").max(512, "at most 512 px"),
  z.union([z.literal(1), z.literal(3)], { message: "1 (grey) or 3 (RGB) channels" }),
]);

const Name = z.string().trim().min(1, "a name is required").max(80, "at most 80 characters").regex(/[a-z0-9]/i, "needs at least one letter or digit");
const Classes = z.array(z.string().trim().min(1).max(60)).min(2).max(256);

/** POST /api/datasets — register files already on the server. */
export const RegisterDataset = z.object({
  name: Name,
  kind: FileDatasetKind,
  /** A directory, .tar.gz or .zip on the server, under one of the allowed dataset roots. */
  location: z.string().min(1).max(1000),
  /** Class names in label order (default: from the files — folder names, or "0".."N-1"). */
  classes: Classes.optional(),
  /** Image folders only: decode every image to [height, width, channels], resizing as needed. */
  inputShape: InputShape.optional(),
}).strict();
export type RegisterDataset = z.infer<typeof RegisterDataset>;

/** "32x32x3" in a query string → [32, 32, 3]. */
const ShapeString = z
  .string()
  .regex(/^\d+x\d+x[13]$/, "write it as HxWxC, e.g. 32x32x3")
  .transform((s) => s.split("x").map(Number))
  .pipe(InputShape);

/** POST /api/datasets/upload?name=…&kind=… — the archive is the body (raw, or the "file" field of a multipart form). */
export const UploadDatasetQuery = z.object({
  name: Name,
  kind: FileDatasetKind,
  inputShape: ShapeString.optional(),
});
export type UploadDatasetQuery = z.infer<typeof UploadDatasetQuery>;
