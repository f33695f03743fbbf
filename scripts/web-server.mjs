// The web server as npm start and bench:ui run it: `next start` in N processes sharing one port (node:cluster; the
// primary accepts connections and hands them round-robin to the processes). One Node process serves one request at a
// time: a page costs 10–20 ms of CPU (Next's own rendering ~10 of it), so ten concurrent visitors waited ~10× that on
// one core while the other sat idle. Each process keeps its own caches (view counts, scatter points, run snapshots)
// and its own database connection and memory (~350 MB at 100,000 runs; SQLite in WAL mode: readers do not block each other).
//
// spawnWebServer() starts this file as a child; run directly, this file is the cluster's primary. A process that
// dies takes the others down, and the primary exits with its code (npm start then stops, as it did with one
// `next start`); SIGTERM or SIGINT to the primary is passed on to each process and waited for.
import { spawn } from "node:child_process";
import cluster from "node:cluster";
import path from "node:path";
import { fileURLToPath } from "node:url";

const self = fileURLToPath(import.meta.url);
const root = path.dirname(path.dirname(self));
const NEXT_BIN = path.join(root, "node_modules/next/dist/bin/next");

/**
 * The production web server on host:port in `processes` processes; resolves nothing, returns the primary's
 * ChildProcess (kill it with SIGTERM to stop them all).
 * @param {{ host: string; port: number; processes: number; env: NodeJS.ProcessEnv; stdio?: import("node:child_process").StdioOptions }} options
 */
export function spawnWebServer({ host, port, processes, env, stdio = ["ignore", "inherit", "inherit"] }) {
  return spawn(process.execPath, [self, host, String(port), String(processes)], { cwd: root, env, stdio });
}

function primary(host, port, processes) {
  let stopping = false;
  let exitCode = 0;
  cluster.setupPrimary({ exec: NEXT_BIN, args: ["start", "-H", host, "-p", port], cwd: root });
  const stop = (code) => {
    if (stopping) return;
    stopping = true;
    exitCode = code;
    // The signal itself (not worker.kill(), which only disconnects): Next closes its server on SIGTERM.
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill("SIGTERM");
  };
  cluster.on("exit", (worker, code, signal) => {
    // Ctrl-C in a terminal signals the whole process group: a process ended by it is a stop, not a failure.
    const interrupted = signal === "SIGINT" || signal === "SIGTERM" || code === 130 || code === 143;
    if (!stopping && interrupted) stop(0);
    if (!stopping) {
      console.error(`web: process ${worker.process.pid} exited (${signal ?? `exit code ${code}`}); stopping the others`);
      stop(code || 1);
    }
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(exitCode);
  });
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => stop(0));
  for (let i = 0; i < processes; i++) cluster.fork();
}

// Run directly: `node scripts/web-server.mjs HOST PORT PROCESSES` (the Docker image passes its WEB_PROCESSES).
if (process.argv[1] === self) {
  const [host, port, processes] = process.argv.slice(2);
  primary(host, port, Math.max(1, Number(processes) || 1));
}
