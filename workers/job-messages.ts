import type { RunProgress } from "../lib/schemas/run";

/** worker → child */
export type ParentMessage = { type: "start"; runId: string; attempt: number; maxAttempts: number } | { type: "shutdown" };

/** child → worker */
export type ChildMessage =
  | { type: "progress"; progress: RunProgress }
  | { type: "result"; outcome: "succeeded" | "skipped" | "cancelled" | "interrupted" }
  | { type: "error"; message: string }
  /** Sent every HEARTBEAT_MS from the child's event loop: silence means it is stuck (WORKER_STALL_MS). */
  | { type: "heartbeat" };

export const HEARTBEAT_MS = 5_000;
