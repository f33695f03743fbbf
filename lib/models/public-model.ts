// A Model row as the API answers it.
import type { Model } from "../generated/sqlite/client";
import type { ModelResponse } from "./schemas";

export function publicModel(m: Model, hint?: string): ModelResponse {
  return {
    id: m.id,
    name: m.name,
    format: m.format as ModelResponse["format"],
    datasetId: m.datasetId,
    inputShape: m.inputShape as number[],
    layout: m.layout as ModelResponse["layout"],
    preprocessing: m.preprocessing as ModelResponse["preprocessing"],
    classes: m.classes,
    params: m.params,
    macs: m.macs,
    fp32Bytes: m.bytes,
    sha256: m.sha256,
    operators: m.operators as Record<string, number>,
    techniques: m.techniques as ModelResponse["techniques"],
    check: m.check as ModelResponse["check"],
    accuracy: m.accuracy,
    testImages: m.testImages,
    ...(hint ? { hint } : {}),
    createdAt: m.createdAt.toISOString(),
  };
}
