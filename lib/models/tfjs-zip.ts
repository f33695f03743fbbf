// A TF.js Layers model uploaded as a .zip of model.json + weight shards → a functional tfjs LayersModel, loaded
// with tf.loadLayersModel through an IOHandler over the unzipped files. Unpacking is bounded (entries, unpacked
// bytes) like dataset archives are; layers the techniques and the ONNX exporter cannot handle (nested models,
// classes without a converter) are refused, naming the layer, before anything is built.
import * as tf from "@tensorflow/tfjs";
import { unzipSync } from "fflate";
import { converters } from "../onnx/layers";

export class TfjsModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TfjsModelError";
  }
}

export interface ZipLimits {
  maxEntries: number;
  maxUnpackedBytes: number;
}

const NESTED = new Set(["Sequential", "Model", "Functional", "LayersModel"]);

// tfjs topology JSON is loosely typed (python-style dictionaries).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

function unzip(bytes: Uint8Array, limits: ZipLimits): Map<string, Uint8Array> {
  let entries = 0;
  let unpacked = 0;
  let files: Record<string, Uint8Array>;
  try {
    // The filter sees each entry's declared size before it is inflated (fflate inflates into exactly that size).
    files = unzipSync(bytes, {
      filter: (f) => {
        if (++entries > limits.maxEntries) throw new TfjsModelError(`the zip holds more than ${limits.maxEntries} entries; a TF.js model is model.json and its weight shards`);
        if (f.name.endsWith("/")) return false;
        unpacked += f.originalSize;
        if (unpacked > limits.maxUnpackedBytes) throw new TfjsModelError(`the zip unpacks to more than ${limits.maxUnpackedBytes} bytes`);
        return true;
      },
    });
  } catch (e) {
    if (e instanceof TfjsModelError) throw e;
    throw new TfjsModelError(`corrupt or truncated zip (${(e as Error).message})`);
  }
  return new Map(Object.entries(files).map(([name, data]) => [name.replace(/^\.\//, ""), data]));
}

/** Refuse what no technique or exporter handles, naming the layer (the loader would build it, and fail later). */
function checkLayers(topology: Json): void {
  const config = topology?.config;
  const layers: Json[] | undefined = Array.isArray(config) ? config : config?.layers;
  if (!Array.isArray(layers)) throw new TfjsModelError("model.json has no layer list (modelTopology.config.layers)");
  for (const layer of layers) {
    const cls = String(layer?.class_name);
    const name = String(layer?.config?.name ?? layer?.name ?? "?");
    if (NESTED.has(cls)) throw new TfjsModelError(`unsupported layer ${name} (${cls}): a nested model; flatten it into one functional model first`);
    if (cls !== "InputLayer" && !(cls in converters)) {
      throw new TfjsModelError(`unsupported layer ${name} (${cls}): supported layer classes are ${Object.keys(converters).join(", ")}`);
    }
  }
}

export async function loadTfjsZip(bytes: Uint8Array, limits: ZipLimits): Promise<tf.LayersModel> {
  const files = unzip(bytes, limits);
  const jsonName = [...files.keys()].filter((n) => n === "model.json" || n.endsWith("/model.json")).sort((a, b) => a.length - b.length)[0];
  if (!jsonName) throw new TfjsModelError("the zip has no model.json");
  const dir = jsonName.slice(0, jsonName.length - "model.json".length);
  let json: Json;
  try {
    json = JSON.parse(new TextDecoder().decode(files.get(jsonName)));
  } catch (e) {
    throw new TfjsModelError(`model.json is not JSON (${(e as Error).message})`);
  }
  const topology = json?.modelTopology?.model_config ?? json?.modelTopology;
  if (!topology) throw new TfjsModelError("model.json has no modelTopology (is it a TF.js Layers model, not a graph model?)");
  checkLayers(topology);
  const manifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] = json.weightsManifest ?? [];
  const shards: Uint8Array[] = [];
  for (const group of manifest) {
    for (const p of group.paths) {
      const shard = files.get(dir + p.replace(/^\.\//, ""));
      if (!shard) throw new TfjsModelError(`weight shard "${p}" named in model.json is not in the zip`);
      shards.push(shard);
    }
  }
  const weightData = new Uint8Array(shards.reduce((s, b) => s + b.byteLength, 0));
  shards.reduce((at, b) => (weightData.set(b, at), at + b.byteLength), 0);
  const handler: tf.io.IOHandler = {
    load: async () => ({ modelTopology: json.modelTopology, weightSpecs: manifest.flatMap((g) => g.weights), weightData: weightData.buffer, format: json.format }),
  };
  let loaded: tf.LayersModel;
  try {
    loaded = await tf.loadLayersModel(handler);
  } catch (e) {
    throw new TfjsModelError(`the TF.js model does not load: ${(e as Error).message}`);
  }
  if (loaded.inputs.length !== 1 || loaded.outputs.length !== 1) {
    loaded.dispose();
    throw new TfjsModelError(`one input and one output are supported, the model has ${loaded.inputs.length} and ${loaded.outputs.length}`);
  }
  const [inShape, outShape] = [loaded.inputs[0].shape, loaded.outputs[0].shape];
  if (inShape.length !== 4 || inShape.slice(1).some((d) => d == null) || outShape.length !== 2) {
    loaded.dispose();
    throw new TfjsModelError(`an image input [N, H, W, C] with fixed H, W, C and a [N, classes] output are supported, not [${inShape.join(", ")}] → [${outShape.join(", ")}]`);
  }
  // The techniques rebuild models from a functional topology: a Sequential becomes the same graph as a functional model.
  return loaded.getClassName() === "Sequential" ? tf.model({ inputs: loaded.inputs, outputs: loaded.outputs, name: loaded.name }) : loaded;
}
