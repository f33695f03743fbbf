// What the datasets API answers (GET /api/datasets, POST /api/datasets, POST /api/datasets/upload).
import { z } from "zod";

export const Dataset = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.string(),
  /** The server path: only for a signed-in caller of a lab with authentication on, and never in run snapshots. */
  location: z.string().optional(),
  classes: z.array(z.string()),
  trainCount: z.number().int(),
  testCount: z.number().int(),
  /** [height, width, channels] */
  inputShape: z.array(z.number().int()),
  createdAt: z.string(),
});
export type Dataset = z.infer<typeof Dataset>;

export const DatasetList = z.object({ datasets: z.array(Dataset) });
export const DatasetCreated = z.object({ dataset: Dataset });
