// What format an uploaded model file is, told by its content (never by a name the client chose): a zip is a
// TF.js Layers model (model.json and its shards), anything else is read as ONNX. Kept apart from the loaders
// (open-model.ts) so that the web server, which only names and files the upload, never imports TensorFlow.js.
export type ModelFormat = "onnx" | "tfjs";

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
export const isZip = (bytes: Uint8Array) => ZIP_MAGIC.every((b, i) => bytes[i] === b);

export const modelFormatOf = (bytes: Uint8Array): ModelFormat => (isZip(bytes) ? "tfjs" : "onnx");
export const modelFileName: Record<ModelFormat, string> = { onnx: "model.onnx", tfjs: "model.zip" };
