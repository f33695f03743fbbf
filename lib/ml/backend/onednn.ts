// The "onednn" tfjs backend: tfjs's MathBackendCPU (plain typed-array storage) with every cpu kernel for the long
// tail of small ops, and native oneDNN kernels (./kernels/*, native/src/*) for the heavy ones. A native kernel
// that declines a case (dtype, layout) or throws hands it to the cpu kernel, so the backend is always complete.
import * as tf from "@tensorflow/tfjs";
import { MathBackendCPU } from "@tensorflow/tfjs-backend-cpu";
import type { NativeAddon } from "./native-types";
import { batchNormKernels, registerFastGradients, registerTrainingGradient } from "./kernels/batchnorm";
import { convKernels } from "./kernels/conv";
import { matmulKernels } from "./kernels/matmul";
import { optimizerKernels } from "./kernels/optimizer";
import { poolKernels } from "./kernels/pool";
import { eltwiseKernels, floatStorageCast, registerActivationGradients, registerAddReluGradient } from "./kernels/eltwise";
import { BACKEND, checkAliasing, disposeUncomputed, escape, lazyStorage, type KernelArgs, type NativeKernel } from "./kernels/util";

export const nativeKernels: Record<string, NativeKernel> = {
  ...convKernels,
  ...eltwiseKernels,
  ...batchNormKernels,
  ...matmulKernels,
  ...poolKernels,
  ...optimizerKernels,
};

class OnednnBackend extends MathBackendCPU {
  constructor() {
    super();
    this.data = lazyStorage(this); // deferred outputs, see kernels/util.ts
  }
  override disposeData(dataId: object, force?: boolean): boolean {
    return disposeUncomputed(dataId, () => super.disposeData(dataId, force));
  }
  // The reader keeps the array (dataSync() hands out the backend's own): it must never be recycled (kernels/util.ts).
  override readSync(dataId: object) {
    escape(this, dataId);
    return super.readSync(dataId);
  }
}

/** A cpu kernel on this backend, telling the output pool when an output aliases a pooled input (Slice's views). */
function cpuKernel(k: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const out = k(args) as tf.TensorInfo | tf.TensorInfo[];
    checkAliasing((args as unknown as KernelArgs).backend, out);
    return out;
  };
}

const failures = new Set<string>();
/** How often each native kernel ran natively and how often the cpu kernel stood in (tests assert on it). */
export const kernelStats = { native: 0, fallback: 0, byKernel: new Map<string, { native: number; fallback: number }>() };
function count(name: string, what: "native" | "fallback") {
  kernelStats[what]++;
  let s = kernelStats.byKernel.get(name);
  if (!s) kernelStats.byKernel.set(name, (s = { native: 0, fallback: 0 }));
  s[what]++;
}

function withFallback(name: string, native: NativeKernel, cpu: tf.KernelFunc | undefined, addon: NativeAddon) {
  return ((args: KernelArgs) => {
    try {
      const out = native(args, addon);
      if (out !== undefined) { count(name, "native"); return out; }
    } catch (e) {
      if (!cpu) throw e;
      if (!failures.has(name)) { // say it once: a silent fallback would hide a 10-100x slowdown
        failures.add(name);
        console.warn(`onednn: ${name} fell back to the cpu kernel: ${(e as Error).message}`);
      }
    }
    if (!cpu) throw new Error(`onednn: ${name} does not support this case (dtype or shape) and has no cpu kernel`);
    count(name, "fallback");
    return cpu(args as unknown as Parameters<tf.KernelFunc>[0]);
  }) as tf.KernelFunc;
}

let registered = false;

/** Registers the "onednn" backend and its kernels (once). The caller activates it with tf.setBackend. */
export function registerOnednnBackend(addon: NativeAddon): void {
  if (registered) return;
  registered = true;
  tf.registerBackend(BACKEND, () => new OnednnBackend(), 0);
  const cpuKernels = new Map(tf.getKernelsForBackend("cpu").map((k) => [k.kernelName, k]));
  for (const [name, k] of cpuKernels) {
    if (nativeKernels[name]) continue;
    const kernelFunc = cpuKernel(name === "Cast" ? floatStorageCast(k.kernelFunc) : k.kernelFunc);
    tf.registerKernel({ ...k, kernelFunc, backendName: BACKEND });
  }
  registerFastGradients();
  registerTrainingGradient();
  registerActivationGradients();
  registerAddReluGradient();
  for (const [name, native] of Object.entries(nativeKernels)) {
    tf.registerKernel({
      kernelName: name, backendName: BACKEND,
      kernelFunc: withFallback(name, native, cpuKernels.has(name) ? cpuKernel(cpuKernels.get(name)!.kernelFunc) : undefined, addon),
    });
  }
}
