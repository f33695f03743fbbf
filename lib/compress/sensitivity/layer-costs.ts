// What each layer costs: its share of the parameters, of the multiply-accumulates, and of the measured runtime.
// The runtime share is measured, not estimated: the model's FP32 ONNX export runs batch-1 in onnxruntime-node with
// ORT's own per-node profiler on (`enableProfiling`; 1 thread, all graph optimisations, as the lab times models),
// and each profiled node's kernel time is attributed to the tfjs layer it came from. ORT renames what it fuses
// ("conv1_relu_nchwc" = conv1's Conv with its ReLU fused in, NCHWc layout), so a profiled node is matched to the
// longest exported node name it starts with, and a convolution or matmul that lands on an activation layer (the
// fused ReLU's name) is given to the kernel layer feeding that activation. Layout reorders ORT inserts for
// itself belong to no layer: they are reported as `unattributedMs`.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type * as tf from "@tensorflow/tfjs";
import * as ort from "onnxruntime-node";
import { layerMacs } from "../../ml/model-stats";
import { buildGraph, exportOnnx } from "../../onnx/export";
import { percentile } from "../../onnx/paired-speedup";
import { kernelVariable } from "../model-graph";

export interface LayerCost {
  layer: string;
  className: string;
  params: number;
  macs: number;
  /** ORT kernel time of this layer's nodes per batch-1 run (Σ of each node's median over the runs), ms. */
  ortMs: number;
  paramsShare: number;
  macsShare: number;
  timeShare: number;
}

export interface LayerCosts {
  params: number;
  macs: number;
  /** Σ of every profiled node's median time per run (attributed or not), ms. */
  ortMs: number;
  unattributedMs: number;
  runs: number;
  method: "onnxruntime-node per-node profiling (enableProfiling), FP32 export, batch 1, 1 thread";
  /** Layers with parameters, MACs or runtime, in graph order. */
  layers: LayerCost[];
}

const COMPUTE_OPS = /Conv|Gemm|MatMul/;

interface ProfileEvent {
  cat: string;
  name: string;
  dur: number;
  args?: { op_name?: string };
}

/** Per-node median kernel time (µs per run) from ORT's profile of `runs` batch-1 runs after warm-up. */
async function profileNodes(bytes: Uint8Array, inputShapeNCHW: number[], runs: number): Promise<Map<string, { us: number; op: string }>> {
  const dir = mkdtempSync(join(tmpdir(), "lab-ort-profile-"));
  try {
    const session = await ort.InferenceSession.create(bytes, {
      executionProviders: ["cpu"],
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: "sequential",
      graphOptimizationLevel: "all",
      logSeverityLevel: 3,
      enableProfiling: true,
      profileFilePrefix: join(dir, "profile"),
    });
    const shape = [1, ...inputShapeNCHW.slice(1)];
    const x = new Float32Array(shape.reduce((a, b) => a * b, 1)).map((_, i) => ((i * 2654435761) % 1000) / 1000);
    const feeds = { [session.inputNames[0]]: new ort.Tensor("float32", x, shape) };
    // The profiler is on from the start, so warm-up runs are profiled too: only each node's last `runs` count.
    const warmup = 10;
    for (let i = 0; i < warmup + runs; i++) await session.run(feeds);
    session.endProfiling();
    await session.release();
    const file = readdirSync(dir).find((f) => f.endsWith(".json"));
    if (!file) throw new Error("ORT profiling wrote no file");
    const events = JSON.parse(readFileSync(join(dir, file), "utf8")) as ProfileEvent[];
    const perNode = new Map<string, { durations: number[]; op: string }>();
    for (const e of events) {
      if (e.cat !== "Node" || !e.name.endsWith("_kernel_time")) continue;
      const name = e.name.slice(0, -"_kernel_time".length);
      const entry = perNode.get(name) ?? { durations: [], op: e.args?.op_name ?? "" };
      entry.durations.push(e.dur);
      perNode.set(name, entry);
    }
    // The median over the timed runs: one preempted run (2 shared cores) must not make a small conv look big.
    return new Map([...perNode].map(([name, { durations, op }]) => [name, { us: percentile(durations.slice(-runs).sort((a, b) => a - b), 50), op }]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The kernel layer a fused op on layer `name` really computes: walk up through single-input, kernel-less layers. */
function computingLayer(model: tf.LayersModel, name: string): string {
  let layer = model.getLayer(name);
  for (let hops = 0; hops < 4 && !kernelVariable(layer) && layer.inboundNodes.length === 1; hops++) {
    const inputs = layer.inboundNodes[0].inboundLayers;
    if (inputs.length !== 1) break;
    layer = inputs[0] as tf.layers.Layer;
  }
  return kernelVariable(layer) ? layer.name : name;
}

export async function layerCosts(model: tf.LayersModel, opts: { runs?: number } = {}): Promise<LayerCosts> {
  const runs = opts.runs ?? 100;
  const { graph } = buildGraph(model);
  const nodeNames = [...graph.layerOfNode.keys()].sort((a, b) => b.length - a.length); // longest first
  const [, h, w, c] = model.inputs[0].shape as number[];
  const profile = await profileNodes(exportOnnx(model, { precision: "fp32" }), [1, c, h, w], runs);

  const timeOf = new Map<string, number>();
  let totalUs = 0;
  let unattributedUs = 0;
  for (const [node, { us, op }] of profile) {
    totalUs += us;
    const exported = nodeNames.find((n) => node === n || node.startsWith(n));
    if (!exported) {
      unattributedUs += us;
      continue;
    }
    let layer = graph.layerOfNode.get(exported)!;
    if (COMPUTE_OPS.test(op)) layer = computingLayer(model, layer);
    timeOf.set(layer, (timeOf.get(layer) ?? 0) + us);
  }

  const rows = model.layers.map((l) => ({ layer: l, params: l.countParams(), macs: layerMacs(l), us: timeOf.get(l.name) ?? 0 }));
  const params = rows.reduce((a, r) => a + r.params, 0);
  const macs = rows.reduce((a, r) => a + r.macs, 0);
  const share = (x: number, total: number) => (total ? x / total : 0);
  return {
    params,
    macs,
    ortMs: totalUs / 1000,
    unattributedMs: unattributedUs / 1000,
    runs,
    method: "onnxruntime-node per-node profiling (enableProfiling), FP32 export, batch 1, 1 thread",
    layers: rows
      .filter((r) => r.params || r.macs || r.us)
      .map((r) => ({
        layer: r.layer.name,
        className: r.layer.getClassName(),
        params: r.params,
        macs: r.macs,
        ortMs: r.us / 1000,
        paramsShare: share(r.params, params),
        macsShare: share(r.macs, macs),
        timeShare: share(r.us, totalUs),
      })),
  };
}
