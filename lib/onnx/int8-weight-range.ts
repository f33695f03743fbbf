// How wide the INT8 weight grid is on this host: ±127 (8 bits), or ±63 (7 bits) where ONNX Runtime's x86
// integer kernels saturate. Without VNNI (AVX2, AVX-512 before VNNI), MLAS multiplies uint8 activations by int8
// weights with vpmaddubsw, which adds two products into an int16 and saturates: 255 · 127 · 2 = 64,770 > 32,767.
// ORT then computes another model than the file describes, and every INT8 figure measured here (accuracy, the
// check against the tfjs simulation) is wrong: on an AMD EPYC with AVX2 only, a HardSwish model's INT8 output was
// 0.745 off its FP32 one where 8-bit rounding allows 0.074. With 7-bit weights, 255 · 63 · 2 = 32,130 fits, and
// the same file agrees. This is ORT's `reduce_range` and OpenVINO's "saturation issue" workaround. Arm cores (the
// phones the models ship to) and x86 cores with VNNI widen exactly, so they keep the full 8 bits; the export,
// QAT's fake-quant and the simulation all read the grid from here, so they stay one grid.
import { readFileSync } from "node:fs";

export type Int8WeightMax = 127 | 63;

/** True where ORT's u8×s8 kernels can saturate: x86-64 without a VNNI extension (or flags that cannot be read). */
export function saturatesU8S8(arch: string, cpuinfo: string | null): boolean {
  if (arch !== "x64") return false;
  if (cpuinfo == null) return true; // x86-64 we cannot inspect (not Linux): the safe grid
  const flags = new Set((/^flags\s*:(.*)$/m.exec(cpuinfo)?.[1] ?? "").trim().split(/\s+/));
  return !(flags.has("avx512_vnni") || flags.has("avx_vnni"));
}

let hostMax: Int8WeightMax | undefined;

/** The largest |q| of an INT8 weight on this host (see the header). */
export function int8WeightMax(): Int8WeightMax {
  if (hostMax === undefined) {
    let cpuinfo: string | null = null;
    try {
      cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
    } catch {
      // not Linux
    }
    hostMax = saturatesU8S8(process.arch, cpuinfo) ? 63 : 127;
  }
  return hostMax;
}

/** Bits of the weight grid, as the quantize stage records it in its details. */
export const int8WeightBits = (): 7 | 8 => (int8WeightMax() === 63 ? 7 : 8);
