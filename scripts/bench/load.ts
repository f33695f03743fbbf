// Closed-loop HTTP load for bench:ui: `connections` clients on keep-alive sockets, each sending its next request
// as soon as the last one's body has arrived, for `durationMs`; latency is request start → last byte.
// Not autocannon: its JavaScript HTTP parser costs the bench process a core on large bodies, so it measured itself
// (the scatter's 1 MB gzipped feed came out slower than the same feed as 5 MB of JSON: autocannon at 105 % of a
// core, the server at 18 %; 2026-12-03, SQLite 100k seed). Here a body is read and dropped by Node's own parser, as
// a browser's network stack would, so what queues is the server.
import http from "node:http";

export interface LoadResult {
  /** Latency of every response, ms, ascending. */
  latencies: number[];
  /** Responses other than 200. */
  errors: number;
  requestsPerSecond: number;
}

export async function closedLoopLoad(opts: { base: string; paths: string[]; connections: number; durationMs: number }): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.connections });
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const end = started + opts.durationMs;
  const request = (path: string) =>
    new Promise<void>((resolve, reject) => {
      const t = performance.now();
      http
        .get(new URL(path, opts.base), { agent }, (res) => {
          if (res.statusCode !== 200) errors++;
          res.on("data", () => {});
          res.on("end", () => {
            latencies.push(performance.now() - t);
            resolve();
          });
          res.on("error", reject);
        })
        .on("error", reject);
    });
  try {
    // The paths in turn across all clients, as a mix of views arrives at a server.
    await Promise.all(Array.from({ length: opts.connections }, async () => {
      while (performance.now() < end) await request(opts.paths[next++ % opts.paths.length]);
    }));
  } finally {
    agent.destroy();
  }
  latencies.sort((a, b) => a - b);
  return { latencies, errors, requestsPerSecond: latencies.length / ((performance.now() - started) / 1000) };
}
