// The `analyze` stage's findings as stored in Stage.details.analysis: one row per layer joining its costs, its INT8
// sensitivity and its pruning curves. tfjs-free (a zod schema and pure functions): the run page's charts, the
// CSV/JSON download and later stages (mixed precision, sensitivity-allocated pruning) read it back through here.
import { z } from "zod";
import { toCsv, type CsvColumn } from "../../dashboard/csv";

const Point = z.object({ sparsity: z.number(), accuracy: z.number() });
const ChannelPoint = z.object({ fraction: z.number(), removed: z.number().int(), accuracy: z.number() });

export const AnalysisLayer = z.object({
  layer: z.string(),
  className: z.string(),
  params: z.number().int(),
  macs: z.number(),
  ortMs: z.number(),
  paramsShare: z.number(),
  macsShare: z.number(),
  timeShare: z.number(),
  /** Weight layers only (Conv2D, DepthwiseConv2D, Dense), when the quantization analysis ran. */
  quantization: z.object({ int8Accuracy: z.number(), accuracyDrop: z.number(), outputSqnrDb: z.number().nullable() }).nullable(),
  /** Weight layers only, when the pruning analysis ran. */
  pruning: z
    .object({
      weights: z.number().int(),
      curve: z.array(Point),
      channels: z.object({ group: z.array(z.string()), channels: z.number().int(), curve: z.array(ChannelPoint) }).nullable(),
    })
    .nullable(),
});
export type AnalysisLayer = z.infer<typeof AnalysisLayer>;

export const AnalysisReport = z.object({
  /** Validation images every accuracy was scored on, in onnxruntime-node. */
  images: z.number().int(),
  fp32Accuracy: z.number(),
  quantization: z
    .object({
      method: z.string(),
      calibrationImages: z.number().int(),
      allInt8Accuracy: z.number(),
      allInt8SqnrDb: z.number().nullable(),
      /** Weight layers, most sensitive first. */
      ranking: z.array(z.string()),
    })
    .nullable(),
  pruning: z.object({ sparsities: z.array(z.number()), channelFractions: z.array(z.number()) }).nullable(),
  timing: z.object({ method: z.string(), runs: z.number().int(), ortMs: z.number(), unattributedMs: z.number() }),
  totals: z.object({ params: z.number().int(), macs: z.number() }),
  layers: z.array(AnalysisLayer),
});
export type AnalysisReport = z.infer<typeof AnalysisReport>;

/** A stage's analysis, or null when its details hold none (another technique, or an older run). */
export function analysisOf(details: unknown): AnalysisReport | null {
  const raw = details && typeof details === "object" ? (details as { analysis?: unknown }).analysis : undefined;
  const parsed = AnalysisReport.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

/** One row per layer: costs, INT8 sensitivity, accuracy at each sparsity and channel fraction (blank where n/a). */
export function analysisCsv(r: AnalysisReport): string {
  const sparsities = r.pruning?.sparsities ?? [];
  const fractions = r.pruning?.channelFractions ?? [];
  const columns: CsvColumn<AnalysisLayer>[] = [
    { header: "layer", value: (l) => l.layer },
    { header: "class", value: (l) => l.className },
    { header: "params", value: (l) => l.params },
    { header: "macs", value: (l) => l.macs },
    { header: "ort_ms", value: (l) => l.ortMs },
    { header: "params_share", value: (l) => l.paramsShare },
    { header: "macs_share", value: (l) => l.macsShare },
    { header: "time_share", value: (l) => l.timeShare },
    { header: "int8_accuracy", value: (l) => l.quantization?.int8Accuracy },
    { header: "int8_accuracy_drop", value: (l) => l.quantization?.accuracyDrop },
    { header: "int8_output_sqnr_db", value: (l) => l.quantization?.outputSqnrDb },
    ...sparsities.map((s) => ({ header: `accuracy_at_sparsity_${s}`, value: (l: AnalysisLayer) => l.pruning?.curve.find((p) => p.sparsity === s)?.accuracy })),
    { header: "channel_group", value: (l) => l.pruning?.channels?.group.join("+") },
    ...fractions.map((f) => ({ header: `accuracy_at_channels_removed_${f}`, value: (l: AnalysisLayer) => l.pruning?.channels?.curve.find((p) => p.fraction === f)?.accuracy })),
  ];
  return toCsv(columns, r.layers);
}
