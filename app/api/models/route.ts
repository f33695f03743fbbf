import { db } from "@/lib/db";
import { route } from "@/lib/http/route";
import { UploadModelQuery } from "@/lib/models/schemas";
import { listModels } from "@/lib/models/list-models";
import { uploadModel } from "@/lib/models/upload-model";

// Converting a model and checking it against onnxruntime on hundreds of images takes longer than a typical request.
export const maxDuration = 300;

// GET /api/models — every uploaded model with what its upload found.
export const GET = route({}, async () => ({ models: await listModels(db()) }));

// POST /api/models?name=…&datasetId=…[&scale=…&mean=…&std=…] — the ONNX file or a TF.js Layers .zip as the raw body (or a multipart
// "file" field); streamed to ARTIFACT_DIR with a size limit, converted and checked in a child process. The proxy
// (proxy.ts) leaves this route out so that it does not buffer the body; route() checks Host and session first.
export const POST = route({ query: UploadModelQuery, status: 201 }, async ({ query, request }) => ({
  model: await uploadModel(db(), request, query),
}));
