// Types of scripts/supervise.mjs (plain JavaScript, since npm start runs before anything is compiled).
import type { ChildProcess } from "node:child_process";

export interface Backoff {
  firstMs: number;
  maxMs: number;
  healthyAfterMs: number;
}
export const BACKOFF: Backoff;
export function restartDelay(previousMs: number, livedMs: number, backoff?: Backoff): number;
export function describeExit(code: number | null, signal: NodeJS.Signals | null): string;
export interface Supervisor {
  readonly pid: number | undefined;
  stop(signal?: NodeJS.Signals): Promise<void>;
}
export function supervise(name: string, start: () => ChildProcess, options?: { backoff?: Backoff; log?: (line: string) => void }): Supervisor;
