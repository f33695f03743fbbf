// Where uploaded models live: ARTIFACT_DIR/models/<folder>/model.onnx, paths the server makes (never user input).
// A row's `path` is relative to ARTIFACT_DIR and resolved like any artifact's (artifactFile).
import path from "node:path";
import { env } from "../env";

export const modelsRoot = () => path.resolve(env().ARTIFACT_DIR, "models");
