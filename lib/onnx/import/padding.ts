// ONNX writes explicit pads; tfjs layers know "same" (TensorFlow's: the extra pixel goes at the end) and "valid".
// Anything else becomes a ZeroPadding2D in front of a "valid" layer.
export interface Window {
  kernel: [number, number];
  strides: [number, number];
  dilations: [number, number];
  /** ONNX order: [top, left, bottom, right]. */
  pads: [number, number, number, number];
}

export type PaddingPlan = { padding: "same" | "valid"; zeroPad?: [[number, number], [number, number]] };

function tfSamePads(size: number, k: number, s: number, d: number): [number, number] {
  const out = Math.ceil(size / s);
  const total = Math.max((out - 1) * s + (k - 1) * d + 1 - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

export function planPadding(w: Window, height: number, width: number): PaddingPlan {
  const [t, l, b, r] = w.pads;
  if (t === 0 && l === 0 && b === 0 && r === 0) return { padding: "valid" };
  const [sh0, sh1] = tfSamePads(height, w.kernel[0], w.strides[0], w.dilations[0]);
  const [sw0, sw1] = tfSamePads(width, w.kernel[1], w.strides[1], w.dilations[1]);
  if (t === sh0 && b === sh1 && l === sw0 && r === sw1) return { padding: "same" };
  return { padding: "valid", zeroPad: [[t, b], [l, r]] };
}

/** ONNX auto_pad (legacy exporters) → explicit pads. */
export function explicitPads(autoPad: string | undefined, pads: number[] | undefined, w: Omit<Window, "pads">, height: number, width: number): [number, number, number, number] {
  if (autoPad === "SAME_UPPER" || autoPad === "SAME_LOWER") {
    const [h0, h1] = tfSamePads(height, w.kernel[0], w.strides[0], w.dilations[0]);
    const [w0, w1] = tfSamePads(width, w.kernel[1], w.strides[1], w.dilations[1]);
    return autoPad === "SAME_UPPER" ? [h0, w0, h1, w1] : [h1, w1, h0, w0];
  }
  return pads && pads.length === 4 ? [pads[0], pads[1], pads[2], pads[3]] : [0, 0, 0, 0];
}
