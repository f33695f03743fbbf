// Types of scripts/web-server.mjs (plain JavaScript, since npm start runs before anything is compiled).
import type { ChildProcess, StdioOptions } from "node:child_process";

export function spawnWebServer(options: { host: string; port: number; processes: number; env: NodeJS.ProcessEnv; stdio?: StdioOptions }): ChildProcess;
