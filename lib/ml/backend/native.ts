// Loads the oneDNN Node-API addon built by native/build.mjs, or says in one line why it cannot.
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { setNativeLibraryDefault } from "../../env";
import type { NativeAddon } from "./native-types";

export const BUILD_HINT = "install libdnnl-dev and g++, then npm run build:native";

const here = path.dirname(fileURLToPath(import.meta.url));
export const addonPath = path.join(here, "native", "build", "Release", "lab_onednn.node");

export type NativeLoad = { addon: NativeAddon } | { missing: string };
let cached: NativeLoad | undefined;

/** The addon, loaded once; or why it is not available (one line, naming what to install). */
export function loadNative(): NativeLoad {
  cached ??= probeNative(addonPath);
  return cached;
}

export function probeNative(file: string): NativeLoad {
  if (!existsSync(file)) {
    return { missing: `the oneDNN addon is not built (${path.relative(process.cwd(), file)} missing): ${BUILD_HINT}` };
  }
  // libgomp reads these when the addon (and so libgomp) loads. Passive waiting: an OpenMP thread sleeps at a
  // barrier instead of spinning. On a busy machine (the web server, other workers) spinning threads steal the
  // core their partner needs and a training step became 5x slower than single-threaded (measured: 2.7 s vs
  // 0.54 s per bench-cnn step at load 17 on 2 cores); idle, the futex wake-up costs a few microseconds per kernel.
  setNativeLibraryDefault("OMP_WAIT_POLICY", "PASSIVE");
  try {
    return { addon: createRequire(import.meta.url)(file) as NativeAddon };
  } catch (e) {
    // Typically libdnnl.so.2 is missing at run time after a build elsewhere.
    return { missing: `the oneDNN addon does not load (${(e as Error).message.split("\n")[0]}): ${BUILD_HINT}` };
  }
}
