// Runs inspect-child.ts for one dataset and answers with its summary, or with the 4xx it found. A child that
// dies (out of memory, a crash in a decoder) or takes too long is a 422, never a web server that stops.
import { fork } from "node:child_process";
import path from "node:path";
import { AppError } from "../errors";
import type { DatasetSummary } from "./inspect-dataset";
import type { InspectReply, InspectRequest } from "./inspect-child";

// Resolved from the working directory (the repository root for npm start, the worker and the tests): the
// bundled web server has no source-relative path to the file. turbopackIgnore: the child runs from source under
// tsx; the bundler must neither resolve nor trace it.
const CHILD = path.join(/* turbopackIgnore: true */ process.cwd(), "lib", "datasets", "inspect-child.ts");
const TIMEOUT_MS = 5 * 60_000;

export function inspectInChild(request: InspectRequest, timeoutMs = TIMEOUT_MS): Promise<DatasetSummary> {
  return new Promise((resolve, reject) => {
    const child = fork(CHILD, [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
    let reply: InspectReply | undefined;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("message", (m: InspectReply) => (reply = m));
    child.on("error", (e) => {
      clearTimeout(timer);
      console.error("[datasets] could not start the inspection process:", e);
      reject(new AppError("unavailable", "The dataset could not be checked (its inspection process did not start); try again"));
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (reply?.ok) return resolve(reply.summary);
      if (reply) return reject(new AppError(reply.code, reply.message));
      const why = timedOut ? `took longer than ${timeoutMs / 1000} s` : `stopped (${signal ?? `exit code ${code}`})`;
      reject(new AppError("unprocessable", `Reading the dataset's files ${why}; is it far larger than it looks?`));
    });
    child.send(request);
  });
}
