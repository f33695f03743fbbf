// The sandboxed processor: BullMQ runs it in a child process, so CPU-bound training never blocks the
// parent's event loop, which must keep renewing the job's lock (or the job is declared stalled mid-epoch).
import type { SandboxedJob } from "bullmq";
import { db } from "../lib/db";
import { processRun } from "../lib/pipeline/process-run";
import { progressReporter } from "../lib/pipeline/progress-reporter";
import { watchCancel } from "../lib/pipeline/watch-cancel";
import { PipelineJob, RUN_ATTEMPTS } from "../lib/queue";

export default async function processPipelineJob(job: SandboxedJob): Promise<string> {
  const { runId } = PipelineJob.parse(job.data);
  const cancel = watchCancel(db(), runId);
  try {
    return await processRun(db(), runId, {
      attempt: job.attemptsMade + 1,
      maxAttempts: job.opts.attempts ?? RUN_ATTEMPTS,
      signal: cancel.signal,
      report: progressReporter(db(), runId, (p) => job.updateProgress(p)),
    });
  } finally {
    cancel.stop();
  }
}
