// Loads the oneDNN Node-API addon built by native/build.mjs, or says in one line why it cannot.
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import type { NativeAddon } from "./native-types";

export const BUILD_HINT = "install libdnnl-dev and g++, then npm run build:native";

const here = path.dirname(fileURLToPath(import.meta.url));
export const addonPath = path.join(here, "native", "build", "Release", "lab_onednn.node");

let cached: { addon: NativeAddon } | { missing: string } | undefined;

export function loadNative(): { addon: NativeAddon } | { missing: string } {
  if (cached) return cached;
  if (!existsSync(addonPath)) {
    cached = { missing: `the oneDNN addon is not built (${path.relative(process.cwd(), addonPath)} missing): ${BUILD_HINT}` };
    return cached;
  }
  try {
    const addon = createRequire(import.meta.url)(addonPath) as NativeAddon;
    cached = { addon };
  } catch (e) {
    // Typically libdnnl.so.2 is missing at run time after a build elsewhere.
    cached = { missing: `the oneDNN addon does not load (${(e as Error).message.split("\n")[0]}): ${BUILD_HINT}` };
  }
  return cached;
}
