// npm run bench — every benchmark in turn (full sizes unless --quick), then one JSON array of their results.
// Each benchmark prints its JSON result as its last line; this collects those lines.
import { spawnSync } from "node:child_process";

const quick = process.argv.includes("--quick");
const BENCHES: [string, string[]][] = [
  ["train", quick ? ["--limit", "6400"] : []],
  ["onnx", quick ? ["--limit", "4000", "--epochs", "1", "--mnv2-limit", "2000"] : []],
  ["compress", quick ? ["--quick"] : []],
  ["queue", quick ? ["--runs=10"] : []],
  ["ui", quick ? ["--runs", "1000", "--duration", "5"] : []],
];

const results: unknown[] = [];
for (const [name, args] of BENCHES) {
  console.error(`\n▶ bench:${name} ${args.join(" ")}`);
  const r = spawnSync(process.execPath, ["--import", "tsx", `scripts/bench/${name}.ts`, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  process.stderr.write(r.stdout);
  const last = r.stdout.trim().split("\n").at(-1) ?? "";
  try {
    results.push(JSON.parse(last));
  } catch {
    results.push({ bench: name, error: `exit ${r.status}; no JSON result` });
  }
}
console.log(JSON.stringify(results));
