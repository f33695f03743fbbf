// The Debian packages Compression Lab uses, and their installation where they are missing.
//   node scripts/system-deps.mjs          what the app needs to run (npm start calls this)
//   node scripts/system-deps.mjs --test   plus what the test suite needs (.ci/run calls this)
// Installs with apt-get when running as root; otherwise prints the one command to run and fails.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

/** [package, file that shows it is installed, why] */
const RUNTIME = [
  ["redis-server", "/usr/bin/redis-server", "the job queue's Redis, when none answers at REDIS_URL"],
  ["dataset-fashion-mnist", "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz", "the Fashion-MNIST dataset"],
  ["libdnnl-dev", "/usr/include/oneapi/dnnl/dnnl.hpp", "oneDNN, for the fast native training backend"],
  ["g++", "/usr/bin/g++", "the compiler for the native training backend"],
];
const TEST = [
  ["chromium", "/usr/bin/chromium", "the browser the end-to-end tests drive"],
  ["python3-onnx", "/usr/lib/python3/dist-packages/onnx/__init__.py", "the official ONNX checker"],
  ["postgresql", "/usr/lib/postgresql", "PostgreSQL, for the integration tests"],
  ["docker-compose", "/usr/bin/docker-compose", "`compose config -q`, to validate docker-compose.yml without an engine"],
  ["fonts-dejavu-core", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "a font for screenshots"],
];

export function missingPackages(withTest = false) {
  return [...RUNTIME, ...(withTest ? TEST : [])].filter(([, marker]) => !existsSync(marker));
}

export function ensureSystemPackages(withTest = false) {
  const missing = missingPackages(withTest);
  if (missing.length === 0) return true;
  const names = missing.map(([name]) => name);
  const isRoot = process.getuid?.() === 0;
  const hasApt = spawnSync("sh", ["-c", "command -v apt-get"], { stdio: "ignore" }).status === 0;
  if (!isRoot || !hasApt) {
    console.error(`Missing system packages: ${names.join(" ")} — install them with: sudo apt-get install -y ${names.join(" ")}`);
    return false;
  }
  console.log(`Installing ${names.join(", ")} with apt-get (${missing.map(([, , why]) => why).join("; ")})…`);
  // apt-get's one setting goes on its command line through env(1): this plain-Node script reads no variable
  // (the app's settings live in lib/env.ts, which it cannot import).
  const aptGet = ["DEBIAN_FRONTEND=noninteractive", "apt-get"];
  execFileSync("env", [...aptGet, "update", "-qq"], { stdio: "inherit" });
  execFileSync("env", [...aptGet, "install", "-y", "-qq", "--no-install-recommends", ...names], { stdio: "inherit" });
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exit(ensureSystemPackages(process.argv.includes("--test")) ? 0 : 1);
}
