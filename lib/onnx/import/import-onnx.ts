// The importer's entry point: bytes of an ONNX file → a trainable tfjs model (or an UnsupportedOperatorError).
import { onnxToTfjs, type ImportedModel } from "./onnx-to-tfjs";
import { readOnnx, type ImportGraph } from "./read-onnx";

export function importOnnx(bytes: Uint8Array): ImportedModel & { graph: ImportGraph } {
  const graph = readOnnx(bytes);
  return { ...onnxToTfjs(graph), graph };
}

/** How many times each operator occurs (what the upload answer lists). */
export function operatorCounts(graph: ImportGraph): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const n of graph.nodes) counts[n.opType] = (counts[n.opType] ?? 0) + 1;
  return counts;
}
