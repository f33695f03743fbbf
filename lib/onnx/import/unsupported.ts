// The one refusal of the importer: names the operator and the node, so the user knows what to change.
export class UnsupportedOperatorError extends Error {
  constructor(
    readonly opType: string,
    readonly node: string,
    reason?: string,
  ) {
    super(`unsupported operator ${opType} (node "${node}")${reason ? `: ${reason}` : ""}`);
    this.name = "UnsupportedOperatorError";
  }
}

/** The operators the importer converts (opsets 11–17). */
export const SUPPORTED_OPERATORS = [
  "Conv", "BatchNormalization", "Relu", "Clip", "HardSigmoid", "HardSwish", "Sigmoid", "Mul", "Add", "Concat", "MaxPool", "AveragePool",
  "GlobalAveragePool", "Flatten", "Reshape", "Gemm", "MatMul", "Dropout", "Identity", "Softmax", "Constant",
] as const;

export const OPSET_RANGE = { min: 11, max: 17 } as const;
