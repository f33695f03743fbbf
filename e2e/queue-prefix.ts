// The queue prefix of one Playwright run: the runner's process id, so two runs on one Redis never share jobs, and
// a prefix whose process is gone belongs to a run that ended (e2e/global-setup.ts deletes its keys).
export const E2E_QUEUE_BASE = "lab-e2e";
export const e2eQueuePrefix = () => `${E2E_QUEUE_BASE}-${process.pid}`;
