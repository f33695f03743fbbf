// Paired latency benchmark: what the worker's speed-up measure (measurePairedLatency: interleaved A B / B A
// rounds, 1 thread, median of per-round ratios with a 10–90 % spread) reports for pairs whose true answer is
// known — a model against itself and against its 30 %-unstructured-pruned copy (same dense kernels: no change),
// and against its INT8 export and a smaller architecture (real changes). Latency does not depend on training, so
// the models keep their seeded initial weights. The last line printed is one JSON object:
// {"bench":"paired","pairs":[{"model":…,"candidate":…,"speedup":…,"low":…,"high":…,"noMeasurableChange":…}]}
// Options: --models bench-cnn,mobilenet-v2 (default), --rounds N (default 21).
import { computeMasks, applyMasks, disposeMasks } from "../../lib/compress/prune-magnitude";
import { foldBatchNorm } from "../../lib/compress/model-graph";
import { setupBackend } from "../../lib/ml/backend/index";
import { Architecture } from "../../lib/ml/models/architecture";
import { buildModel } from "../../lib/ml/models/zoo";
import { calibrate } from "../../lib/onnx/calibrate";
import { exportOnnx } from "../../lib/onnx/export";
import { noMeasurableChange } from "../../lib/onnx/paired-speedup";
import { measurePairedLatency } from "../../lib/onnx/session";

const option = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const models = (option("models") ?? "bench-cnn,mobilenet-v2").split(",").map((m) => Architecture.parse(m));
const rounds = Number(option("rounds") ?? 21);
const shape = { inputShape: [28, 28, 1] as [number, number, number], numClasses: 10 };

await setupBackend();
const pairs: Record<string, unknown>[] = [];
for (const arch of models) {
  const model = buildModel(arch, { ...shape, seed: 1 });
  const fp32 = exportOnnx(model, { precision: "fp32" });
  const pruned = buildModel(arch, { ...shape, seed: 1 });
  const masks = computeMasks(pruned, 0.3, "layer");
  applyMasks(masks);
  disposeMasks(masks);
  const { model: folded } = await foldBatchNorm(model);
  const calibration = new Float32Array(64 * 28 * 28).map((_, i) => ((i * 2654435761) >>> 0) / 2 ** 32);
  const int8 = exportOnnx(folded, { precision: "int8", quantization: await calibrate(folded, calibration, { method: "minmax" }) });
  const smaller = buildModel("small-cnn", { ...shape, seed: 1 });
  const candidates: [string, Uint8Array][] = [
    ["itself", fp32],
    ["pruned 30 % unstructured (dense file)", exportOnnx(pruned, { precision: "fp32" })],
    ["INT8 QDQ", int8],
    ...(arch === "small-cnn" ? [] : ([["small-cnn", exportOnnx(smaller, { precision: "fp32" })]] as [string, Uint8Array][])),
  ];
  for (const [name, bytes] of candidates) {
    const r = await measurePairedLatency(fp32, bytes, [1, 1, 28, 28], { rounds });
    const row = {
      model: arch, candidate: name, speedup: r.speedup.median, low: r.speedup.low, high: r.speedup.high, rounds: r.speedup.rounds,
      baselineP50Ms: r.baselineP50Ms, candidateP50Ms: r.candidateP50Ms, noMeasurableChange: noMeasurableChange(r.speedup),
    };
    console.error(`${arch} vs ${name}: ${row.speedup.toFixed(3)}× (${row.low.toFixed(3)}–${row.high.toFixed(3)})${row.noMeasurableChange ? " no measurable change" : ""}`);
    pairs.push(row);
  }
  for (const m of [model, pruned, folded, smaller]) m.dispose();
}
console.log(JSON.stringify({ bench: "paired", rounds, threads: 1, pairs }));
