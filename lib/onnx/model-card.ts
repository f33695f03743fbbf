/**
 * Model card for an exported model, as JSON (machine-readable, stored as an artifact) and Markdown
 * (shown on the run page, shipped next to the .onnx). A pure function of its input: no clock, no I/O,
 * so the same run always yields the same card and tests can compare it byte for byte.
 */

export type MetricValue = number | string | boolean | null | undefined;

/** The run's requirements as the worker judged them (lib/runs/requirements-verdict.ts). */
export interface ModelCardRequirements {
  limits: { maxAccuracyDrop: number; minLatencyReduction: number; minSizeReduction: number };
  /** this stage's verdict; null on the baseline stage */
  stage: { pass: boolean; checks: { requirement: string; value: number | null; limit: number; pass: boolean | null }[] } | null;
  /** the run's verdict over its stages up to this one (`final` when this is the run's last stage) */
  run: { meetsRequirements: boolean | null; shipStageIndex: number | null; final: boolean };
}

export interface ModelCardInput {
  name: string;
  description?: string;
  architecture: { name: string; params?: number; nonzeroParams?: number; macs?: number; summary?: string };
  input: { name: string; shape: (number | string)[]; layout: "NCHW" | "NHWC" | "NC"; dtype: "float32" };
  output?: { name: string; shape: (number | string)[]; meaning?: string };
  preprocessing: {
    /** e.g. "divide uint8 pixels by 255 → [0, 1]" */
    scale: string;
    mean: number[];
    std: number[];
    /** e.g. "grayscale", "RGB" */
    channelOrder?: string;
    resize?: string;
  };
  classNames: string[];
  dataset?: { name: string; trainCount?: number; testCount?: number };
  /** One entry per pipeline stage, in order. */
  stages: { index: number; technique: string; params: Record<string, unknown>; metrics: Record<string, MetricValue> }[];
  requirements?: ModelCardRequirements;
  quantization?: { precision: "int8"; weights: string; activations: string; calibration?: string; calibrationImages?: number };
  /** INT8 with accuracy control: the layers left FP32 (in the order they were reverted) and what each cost alone. */
  mixedPrecision?: {
    maxAccuracyDropPp: number; allInt8DropPp: number; accuracyDropPp: number; withinBudget: boolean;
    fp32Layers: { layer: string; className: string; costAlonePp: number; accuracyAfter: number }[];
  };
  artifacts?: { kind: string; file: string; bytes?: number; gzipBytes?: number; sha256?: string }[];
  tool: { name: string; version: string; onnxOpset?: number; runtime?: string };
  seed: number;
  runId?: string;
  /** ISO timestamp supplied by the caller (kept out of this function to keep it pure). */
  createdAt?: string;
}

export interface ModelCard {
  json: string;
  markdown: string;
}

const cell = (v: unknown): string => {
  if (v === null || v === undefined || v === "") return "—";
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : Math.abs(v) >= 1e-3 ? v.toFixed(4).replace(/0+$/, "").replace(/\.$/, "") : v.toExponential(2);
  return String(v).replace(/\|/g, "\\|").replace(/\n/g, " ");
};

const table = (head: string[], rows: unknown[][]): string =>
  [`| ${head.map(cell).join(" | ")} |`, `| ${head.map(() => "---").join(" | ")} |`, ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`)].join("\n");

const passText = (pass: boolean | null) => (pass == null ? "not measured" : pass ? "✓ pass" : "✗ fail");

function requirementsSection(r: ModelCardRequirements): string[] {
  const lines = ["## Requirements", ""];
  if (r.stage) {
    lines.push(table(["requirement", "value", "limit", "result"], r.stage.checks.map((c) => [c.requirement, c.value, c.limit, passText(c.pass)])), "");
    lines.push(`This stage ${r.stage.pass ? "meets every requirement" : "misses at least one requirement"} (against the baseline, stage 0).`, "");
  } else {
    lines.push(`This is the baseline, the stage the others are judged against (max accuracy drop ${r.limits.maxAccuracyDrop}, min latency reduction ${r.limits.minLatencyReduction}, min size reduction ${r.limits.minSizeReduction}).`, "");
  }
  const scope = r.run.final ? "The run" : "The run so far";
  lines.push(
    r.run.meetsRequirements == null
      ? `${scope}: no compressed stage judged yet.`
      : r.run.meetsRequirements
        ? `${scope}: meets the requirements; the stage to ship is stage ${r.run.shipStageIndex}.`
        : `${scope}: no compressed stage meets every requirement.`,
    "",
  );
  return lines;
}

export function modelCard(card: ModelCardInput): ModelCard {
  const json = JSON.stringify({ schemaVersion: 1, ...card }, null, 2) + "\n";

  const md: string[] = [`# ${card.name}`, ""];
  if (card.description) md.push(card.description, "");
  md.push(
    "## Model",
    "",
    table(
      ["architecture", "parameters", "non-zero parameters", "MACs"],
      [[card.architecture.name, card.architecture.params, card.architecture.nonzeroParams, card.architecture.macs]],
    ),
    "",
  );
  if (card.architecture.summary) md.push(card.architecture.summary, "");

  md.push("## Input", "", table(["name", "shape", "layout", "dtype"], [[card.input.name, `[${card.input.shape.join(", ")}]`, card.input.layout, card.input.dtype]]), "");
  const p = card.preprocessing;
  md.push(
    "### Preprocessing",
    "",
    `1. ${p.scale}${p.resize ? `; resize: ${p.resize}` : ""}${p.channelOrder ? `; channels: ${p.channelOrder}` : ""}`,
    `2. normalise per channel: (x − mean) / std with mean = [${p.mean.join(", ")}], std = [${p.std.join(", ")}]`,
    `3. lay the batch out as ${card.input.layout}${card.input.layout === "NCHW" ? " (transpose from the H×W×C image order)" : ""}`,
    "",
  );
  if (card.output)
    md.push("## Output", "", table(["name", "shape", "meaning"], [[card.output.name, `[${card.output.shape.join(", ")}]`, card.output.meaning]]), "");
  md.push("## Classes", "", table(["index", "name"], card.classNames.map((n, i) => [i, n])), "");
  if (card.dataset) md.push(`Dataset: ${card.dataset.name}${card.dataset.trainCount ? `, ${card.dataset.trainCount} train` : ""}${card.dataset.testCount ? ` / ${card.dataset.testCount} test images` : ""}.`, "");

  if (card.stages.length > 0) {
    const keys = [...new Set(card.stages.flatMap((s) => Object.keys(s.metrics)))];
    md.push("## Metrics per stage", "", table(["#", "technique", ...keys], card.stages.map((s) => [s.index, s.technique, ...keys.map((k) => s.metrics[k])])), "");
    md.push("## Technique parameters", "");
    for (const s of card.stages) md.push(`- **${s.index}. ${s.technique}**: \`${JSON.stringify(s.params)}\``);
    md.push("");
  }
  if (card.requirements) md.push(...requirementsSection(card.requirements));
  if (card.quantization) {
    const q = card.quantization;
    md.push(
      "## Quantization",
      "",
      `- precision: ${q.precision}`,
      `- weights: ${q.weights}`,
      `- activations: ${q.activations}`,
      ...(q.calibration ? [`- calibration: ${q.calibration}${q.calibrationImages ? ` on ${q.calibrationImages} training images` : ""}`] : []),
      "",
    );
  }
  if (card.mixedPrecision) {
    const mp = card.mixedPrecision;
    md.push(
      "## Mixed precision (accuracy control)",
      "",
      `Budget ${cell(mp.maxAccuracyDropPp)} pp of validation top-1; all-INT8 lost ${cell(mp.allInt8DropPp)} pp, this model ${cell(mp.accuracyDropPp)} pp (${mp.withinBudget ? "within budget" : "over budget: every layer reverted"}).`,
      "",
      mp.fp32Layers.length
        ? table(["FP32 layer", "class", "cost alone (pp)", "validation top-1 after"], mp.fp32Layers.map((l) => [l.layer, l.className, l.costAlonePp, l.accuracyAfter]))
        : "Every layer is INT8.",
      "",
    );
  }
  if (card.artifacts?.length)
    md.push("## Files", "", table(["kind", "file", "bytes", "gzip bytes", "sha256"], card.artifacts.map((a) => [a.kind, a.file, a.bytes, a.gzipBytes, a.sha256])), "");
  md.push(
    "## Provenance",
    "",
    `- tool: ${card.tool.name} ${card.tool.version}${card.tool.onnxOpset ? `, ONNX opset ${card.tool.onnxOpset}` : ""}${card.tool.runtime ? `, measured with ${card.tool.runtime}` : ""}`,
    `- seed: ${card.seed}`,
    ...(card.runId ? [`- run: ${card.runId}`] : []),
    ...(card.createdAt ? [`- created: ${card.createdAt}`] : []),
    "",
  );
  return { json, markdown: md.join("\n") };
}
