import { z } from "zod";
import { describeTechnique } from "./descriptor";
import { fineTuneFields } from "./fine-tune.schema";

export const ClusterParams = z
  .object({
    clusters: z.number().int().min(2).max(256).default(16).describe("k: distinct weight values per layer after clustering"),
    init: z.enum(["linear", "density"]).default("linear").describe("Centroid initialisation: evenly spaced between min and max (linear), or at evenly spaced quantiles (density)"),
    preserveSparsity: z.boolean().default(true).describe("Keep zero weights at exactly zero (so a pruned model stays pruned)"),
    ...fineTuneFields,
  })
  .strict();
export type ClusterParams = z.infer<typeof ClusterParams>;

export const clusterDescriptor = describeTechnique({
  name: "cluster",
  label: "Weight clustering",
  configSchema: ClusterParams,
  fitCases: { cluster: {} },
  fitKey: () => "cluster",
});
