// Runs inspect-child.ts for one uploaded model and answers with its summary or the 4xx it found. A child that
// dies or takes too long is a 422, never a web server that stops. (Same pattern as lib/datasets/inspect-in-child.ts.)
import { fork } from "node:child_process";
import path from "node:path";
import { AppError } from "../errors";
import type { InspectModelReply } from "./inspect-child";
import type { InspectModelInput, ModelSummary } from "./inspect-model";

// From the working directory, like the datasets' child: the bundled server has no source-relative path.
const CHILD = path.join(/* turbopackIgnore: true */ process.cwd(), "lib", "models", "inspect-child.ts");
const TIMEOUT_MS = 5 * 60_000;

export function inspectModelInChild(request: InspectModelInput, timeoutMs = TIMEOUT_MS): Promise<ModelSummary> {
  return new Promise((resolve, reject) => {
    const child = fork(CHILD, [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
    let reply: InspectModelReply | undefined;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("message", (m: InspectModelReply) => (reply = m));
    child.on("error", (e) => {
      clearTimeout(timer);
      console.error("[models] could not start the inspection process:", e);
      reject(new AppError("unavailable", "The model could not be checked (its inspection process did not start); try again"));
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (reply?.ok) return resolve(reply.summary);
      if (reply) return reject(new AppError(reply.code, reply.message));
      const why = timedOut ? `took longer than ${timeoutMs / 1000} s` : `stopped (${signal ?? `exit code ${code}`})`;
      reject(new AppError("unprocessable", `Checking the model ${why}`));
    });
    child.send(request);
  });
}
