// Backend selection for training: our native oneDNN backend, tfjs-node, or wasm — never the pure-JS cpu backend
// (it is the reference in tests). Called once per worker process before training.
import * as tf from "@tensorflow/tfjs";
import { env } from "../../env";
import { BACKEND_NAMES, type BackendName, type BackendRequest } from "./backend-names";
import { loadNative } from "./native";
import { registerOnednnBackend } from "./onednn";
import { setupWasm } from "./wasm";

export type { BackendName, BackendRequest } from "./backend-names";
export interface BackendInfo { name: BackendName; warning?: string } // warning shown in the UI on fallback

async function tryOnednn(): Promise<string | undefined> {
  const native = loadNative();
  if ("missing" in native) return native.missing;
  registerOnednnBackend(native.addon);
  return (await tf.setBackend("onednn")) ? undefined : "the onednn backend failed to initialise";
}

async function tryTensorflow(): Promise<string | undefined> {
  const spec = "@tensorflow/tfjs-node"; // optional dependency: usually absent (its install downloads libtensorflow)
  try {
    await import(/* webpackIgnore: true */ spec);
  } catch (e) {
    return `@tensorflow/tfjs-node does not load (${(e as Error).message.split("\n")[0]})`;
  }
  return (await tf.setBackend("tensorflow")) ? undefined : "the tensorflow backend failed to initialise";
}

async function select(request: BackendRequest): Promise<BackendInfo> {
  const wasmWarning = (why: string) =>
    `Training on the slow wasm backend (~20x slower than onednn): ${why}.`;
  if (request === "cpu") {
    await tf.setBackend("cpu");
    return { name: "cpu", warning: "Training on the pure-JS cpu backend (reference only, very slow)." };
  }
  if (request === "wasm") {
    if (!(await setupWasm())) throw new Error("the wasm backend failed to initialise");
    return { name: "wasm" };
  }
  const failures: string[] = [];
  const order: ("onednn" | "tensorflow")[] =
    request === "auto" ? ["onednn", "tensorflow"] : [request];
  for (const name of order) {
    const why = name === "onednn" ? await tryOnednn() : await tryTensorflow();
    if (why === undefined) return { name };
    failures.push(why);
  }
  if (!(await setupWasm())) throw new Error(`no training backend: ${failures.join("; ")}; wasm failed too`);
  // auto: tfjs-node is optional, so only the addon's absence is worth a warning.
  const warning = wasmWarning(request === "auto" ? failures[0] : failures.join("; "));
  console.warn(warning); // the one start-up line
  return { name: "wasm", warning };
}

let current: { request: BackendRequest; info: Promise<BackendInfo> } | undefined;

/** Chooses, initialises and activates the training backend (tf.setBackend + tf.ready). Idempotent. */
export async function setupBackend(requested?: string): Promise<BackendInfo> {
  // LAB_BACKEND is validated by env(); a name passed in (a script's --backend) is checked against the same list.
  const raw = requested === undefined ? env().LAB_BACKEND : requested.trim().toLowerCase() || "auto";
  if (!(BACKEND_NAMES as readonly string[]).includes(raw)) {
    throw new Error(`LAB_BACKEND must be one of ${BACKEND_NAMES.join(", ")}; got "${raw}"`);
  }
  const request = raw as BackendRequest;
  if (!current || current.request !== request) {
    const info = select(request).then(async (i) => { await tf.ready(); return i; });
    current = { request, info };
    info.catch(() => { if (current?.info === info) current = undefined; });
  } else {
    // Same request again: make sure nobody switched the backend in between.
    const info = await current.info;
    if (tf.getBackend() !== info.name) { await tf.setBackend(info.name); await tf.ready(); }
  }
  return current.info;
}
