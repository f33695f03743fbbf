// Where uploaded models live: ARTIFACT_DIR/models/<folder>/model.onnx, paths the server makes (never user input).
import path from "node:path";
import { env } from "../env";

export const modelsRoot = () => path.resolve(env().ARTIFACT_DIR, "models");

/** The absolute path of a Model row's file (its `path` is relative to ARTIFACT_DIR). */
export function modelFilePath(relative: string): string {
  const root = path.resolve(env().ARTIFACT_DIR);
  const absolute = path.resolve(root, relative);
  if (!absolute.startsWith(root + path.sep)) throw new Error(`model path escapes ARTIFACT_DIR: ${relative}`);
  return absolute;
}
