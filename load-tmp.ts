import { closedLoopLoad } from "./scripts/bench/load";
const [base, ...paths] = process.argv.slice(2);
for (const p of paths) for (let r = 0; r < 2; r++) {
  const { latencies, requestsPerSecond } = await closedLoopLoad({ base, paths: [p], connections: 10, durationMs: 4000 });
  const q = (x: number) => latencies[Math.floor(x * latencies.length)].toFixed(1);
  console.log(p.slice(0, 50).padEnd(50), "p50", q(0.5), "p95", q(0.95), "rps", requestsPerSecond.toFixed(0));
}
