// The process that converts and checks an uploaded model (started by inspect-in-child.ts): parsing, converting
// and running a user's model is CPU-heavy and untrusted input, so it happens here and the web server keeps answering.
import { AppError } from "../errors";
import { inspectModel, type InspectModelInput, type ModelSummary } from "./inspect-model";

export type InspectModelReply = { ok: true; summary: ModelSummary } | { ok: false; code: AppError["code"]; message: string };

async function handle(request: InspectModelInput): Promise<InspectModelReply> {
  try {
    return { ok: true, summary: await inspectModel(request) };
  } catch (e) {
    if (e instanceof AppError) return { ok: false, code: e.code, message: e.message };
    console.error("[models/inspect-child] unexpected error:", e);
    return { ok: false, code: "unprocessable", message: `Reading the model failed: ${(e as Error).message}` };
  }
}

process.once("message", (request: InspectModelInput) => {
  void handle(request).then((reply) => process.send!(reply, () => process.exit(0)));
});
