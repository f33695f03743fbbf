// Before the specs, in the runner: the queue keys of earlier runs that did not clean up (killed); after them,
// this run's own (Playwright calls the function returned here once the specs are done).
import { clearDeadQueues, clearQueue } from "../test/queue-keys";
import { E2E_QUEUE_BASE, e2eQueuePrefix } from "./queue-prefix";

export default async function globalSetup() {
  await clearDeadQueues(E2E_QUEUE_BASE);
  const prefix = e2eQueuePrefix();
  return () => clearQueue(prefix);
}
