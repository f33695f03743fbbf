import { z } from "zod";
import { estimateNasCandidate, type ModelEstimate } from "../ml/models/estimate";
import { describeTechnique, numberOr, type DataShape, type ModelSketch, type StageSketch } from "./descriptor";

export const NasBudget = z
  .object({
    kind: z.enum(["params", "macs", "latencyMs"]).default("params").describe("What the budget limits: parameters, multiply-accumulates per image, or onnxruntime-node batch-1 latency"),
    max: z.number().positive().default(100_000).describe("The limit (a count, or milliseconds for latencyMs)"),
  })
  .strict();

export const NasParams = z
  .object({
    budget: NasBudget.prefault({}),
    strategy: z.enum(["random", "evolution"]).default("random").describe("random: sample the space; evolution: mutate the best candidates of the first rung"),
    candidates: z.number().int().min(2).max(64).default(8).describe("Feasible candidates trained at the first successive-halving rung"),
    eta: z.number().int().min(2).max(4).default(2).describe("Successive halving: keep 1/eta of the candidates per rung, train them eta× longer"),
    proxyEpochs: z.number().min(0.05).max(10).default(0.25).describe("Training epochs of the first rung (short-training proxy)"),
    proxyImages: z.number().int().min(100).default(5_000).describe("Training images used by the proxies"),
    widths: z.array(z.number().min(0.25).max(2)).min(1).default([0.35, 0.5, 0.75, 1]).describe("Width multipliers searched"),
    depths: z.array(z.number().int().min(1).max(4)).min(1).default([1, 2, 3]).describe("Blocks per stage searched (capped by each stage's MobileNetV2 repeats)"),
    kernels: z.array(z.union([z.literal(3), z.literal(5), z.literal(7)])).min(1).default([3, 5]).describe("Depthwise kernel sizes searched"),
    expansions: z.array(z.number().int().min(1).max(8)).min(1).default([2, 4, 6]).describe("Inverted-residual expansion ratios searched"),
    epochs: z.number().int().min(1).max(100).optional().describe("Epochs to train the chosen architecture fully (default: the run's epochs)"),
  })
  .strict();
export type NasParams = z.infer<typeof NasParams>;

export type NasSpace = Pick<NasParams, "widths" | "depths" | "kernels" | "expansions">;

/** Parameters and MACs of every architecture of a search space, counted without building one (estimate.ts). */
export function nasSpaceEstimates(space: NasSpace, data: DataShape): ModelEstimate[] {
  const out: ModelEstimate[] = [];
  for (const width of space.widths)
    for (const depth of space.depths)
      for (const kernel of space.kernels)
        for (const expansion of space.expansions) out.push(estimateNasCandidate({ width, depth, kernel, expansion }, data));
  return out;
}

/** A parameter or MAC budget that no architecture of the space fits fails every search: say so before queueing. */
function checkBudget({ budget, ...space }: NasParams, data: DataShape): string | null {
  if (budget.kind === "latencyMs") return null; // latency is only known by timing built candidates
  const smallest = Math.min(...nasSpaceEstimates(space, data).map((e) => e[budget.kind === "params" ? "params" : "macs"]));
  if (smallest <= budget.max) return null;
  return `no architecture of the search space fits the budget (${budget.kind} ≤ ${budget.max}): the smallest has ${smallest} ${budget.kind}; raise budget.max or search smaller widths, depths, kernels or expansions`;
}

/** Known only after the search: under a parameter budget, an upper bound shaped like the baseline. */
function sketchSearch(_input: ModelSketch, params: Record<string, unknown>, { baseline }: { baseline: ModelSketch }): StageSketch {
  const budget = (params.budget ?? {}) as Record<string, unknown>;
  if ((budget.kind ?? "params") !== "params") return { model: { estimate: null }, note: `budget on ${budget.kind}: size known after the search` };
  const max = numberOr(budget.max, 100_000);
  const base = baseline.estimate;
  return {
    // The parameter budget at the baseline's MACs per parameter.
    model: { estimate: base ? { ...base, params: max, macs: Math.round((base.macs / base.params) * max), foldedBatchNormChannels: 0 } : null, bound: true },
    note: `at most ${max.toLocaleString("en-US")} parameters (the search's budget)`,
  };
}

export const nasDescriptor = describeTechnique({
  name: "nas",
  label: "Architecture search",
  configSchema: NasParams,
  // It builds its own architecture and is compared against the baseline.
  readsBaseline: "searches a new architecture",
  checkBeforeQueue: checkBudget,
  sketch: sketchSearch,
});
