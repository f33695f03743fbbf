// Saving and loading tfjs models as model.json + weights.bin in a directory (the layout tfjs' own file
// handler uses), without tfjs-node, which would provide it but cannot install everywhere.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";

export async function saveModel(model: tf.LayersModel, dir: string): Promise<{ modelJson: string; weights: string }> {
  mkdirSync(dir, { recursive: true });
  const modelJson = path.join(dir, "model.json");
  const weights = path.join(dir, "weights.bin");
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = artifacts.weightData as ArrayBuffer;
      // Write then rename, so a crash mid-save never leaves a half-written checkpoint behind.
      writeFileSync(`${weights}.tmp`, Buffer.from(data));
      const manifest = { modelTopology: artifacts.modelTopology, format: "layers-model", generatedBy: "compression-lab", weightsManifest: [{ paths: ["weights.bin"], weights: artifacts.weightSpecs }] };
      writeFileSync(`${modelJson}.tmp`, JSON.stringify(manifest));
      renameSync(`${weights}.tmp`, weights);
      renameSync(`${modelJson}.tmp`, modelJson);
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON", weightDataBytes: data.byteLength } };
    }),
  );
  return { modelJson, weights };
}

export async function loadModel(dir: string): Promise<tf.LayersModel> {
  const manifest = JSON.parse(readFileSync(path.join(dir, "model.json"), "utf8"));
  const weights = readFileSync(path.join(dir, "weights.bin"));
  const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength);
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: manifest.modelTopology, weightSpecs: manifest.weightsManifest[0].weights, weightData }));
}

/** The model as one self-contained JSON file (topology, weight specs, weights as base64) — the tfjs download. */
export async function modelToJson(model: tf.LayersModel): Promise<string> {
  let out = "";
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = Buffer.from(artifacts.weightData as ArrayBuffer);
      out = JSON.stringify({ format: "layers-model", generatedBy: "compression-lab", modelTopology: artifacts.modelTopology, weightSpecs: artifacts.weightSpecs, weightData: data.toString("base64") });
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON", weightDataBytes: data.byteLength } };
    }),
  );
  return out;
}
