// Builds the oneDNN addon with node-gyp (npm's bundled copy; headers from nodedir, nothing downloaded).
// Never fails the install: where g++ or libdnnl-dev is missing it prints one line and exits 0, and the app runs
// on the wasm backend. With --require (npm test) the toolchain being there makes the addon mandatory: a compile
// failure, or an addon that does not load, exits 1 — so a broken native backend cannot pass as "skipped".
// Usage: node lib/ml/backend/native/build.mjs [--force] [--require]
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const output = path.join(here, "build", "Release", "lab_onednn.node");
const hint = "install libdnnl-dev and g++, then npm run build:native";
const required = process.argv.includes("--require");
const skip = (why) => {
  console.log(`onednn addon not built (${why}): ${hint}; training will use the slower wasm backend`);
  process.exit(0);
};
/** With the toolchain present: a skip at install time, a failure under --require. */
const broken = (why) => {
  if (!required) skip(why);
  console.error(`onednn addon broken (${why}) although g++ and libdnnl-dev are installed`);
  process.exit(1);
};
/** Loading it is the only proof the addon works (a missing libdnnl.so at run time, an undefined symbol). */
const loads = () => {
  try {
    createRequire(import.meta.url)(output);
    return null;
  } catch (e) {
    return e instanceof Error ? e.message.split("\n")[0] : String(e);
  }
};
const done = (message) => {
  const failure = loads();
  if (failure) broken(`does not load: ${failure}`);
  console.log(message);
  process.exit(0);
};

const has = (cmd, args) => spawnSync(cmd, args, { stdio: "ignore" }).status === 0;
if (!has("g++", ["--version"])) skip("g++ not found");
if (!["/usr/include/oneapi/dnnl/dnnl.hpp", "/usr/local/include/oneapi/dnnl/dnnl.hpp"].some((p) => existsSync(p)))
  skip("oneDNN headers not found");

// Up to date? (the addon is newer than every source)
const newest = Math.max(...["binding.gyp", ...readdirSync(path.join(here, "src")).map((f) => `src/${f}`)]
  .map((f) => statSync(path.join(here, f)).mtimeMs));
if (!process.argv.includes("--force") && existsSync(output) && statSync(output).mtimeMs > newest) done("onednn addon up to date");

let nodeGyp;
for (const candidate of [
  () => createRequire(import.meta.url).resolve("node-gyp/bin/node-gyp.js"),
  () => path.join(path.dirname(execFileSync("npm", ["root", "-g"], { encoding: "utf8" }).trim()), "node_modules",
    "npm", "node_modules", "node-gyp", "bin", "node-gyp.js"),
  () => "/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js",
  () => "/usr/local/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js",
]) {
  try {
    const p = candidate();
    if (existsSync(p)) { nodeGyp = p; break; }
  } catch { /* next */ }
}
if (!nodeGyp) broken("node-gyp not found");

// Local headers: the running Node's prefix (Debian: /usr/include/node). This script reads no environment variable
// (it is copied and run alone by build.test.ts, so it cannot import lib/env.ts): node-gyp itself reads npm's
// settings from the environment over its command line, so an npmrc's nodedir (npm_config_nodedir) and
// npm_config_jobs still win over these defaults.
const prefix = path.dirname(path.dirname(process.execPath));
const args = [nodeGyp, "rebuild", "--release", "--jobs=max"];
if (existsSync(path.join(prefix, "include", "node", "node_api.h"))) args.push(`--nodedir=${prefix}`);
const r = spawnSync(process.execPath, args, { cwd: here, encoding: "utf8" });
if (r.status !== 0) {
  const log = `${r.stdout}\n${r.stderr}`;
  if (/dnnl\.hpp: No such file|cannot find -ldnnl/.test(log)) broken("libdnnl-dev incomplete: its header or library is missing");
  process.stderr.write(log.split("\n").filter((l) => /error|Error/.test(l)).slice(0, 20).join("\n") + "\n");
  broken(`compile failed, exit ${r.status}; run with --force after fixing`);
}
done(`onednn addon built: ${path.relative(process.cwd(), output)}`);
