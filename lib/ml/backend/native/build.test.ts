// build.mjs: a missing toolchain is a skip (the app trains on wasm), but with the toolchain present a broken addon
// fails `npm test` (--require) instead of passing as skipped kernel suites. Each case runs the real build.mjs on a
// scratch copy of the addon folder — a source that does not compile, an addon file that does not load.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const here = path.dirname(new URL(import.meta.url).pathname);
const toolchain = spawnSync("g++", ["--version"], { stdio: "ignore" }).status === 0 && existsSync("/usr/include/oneapi/dnnl/dnnl.hpp");
const scratch: string[] = [];

/** A copy of build.mjs beside `sources` (file → text) and a binding.gyp compiling them as the addon. */
function addonFolder(sources: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "lab-native-build-"));
  scratch.push(dir);
  mkdirSync(path.join(dir, "src"));
  copyFileSync(path.join(here, "build.mjs"), path.join(dir, "build.mjs"));
  for (const [file, text] of Object.entries(sources)) writeFileSync(path.join(dir, "src", file), text);
  const gyp = { targets: [{ target_name: "lab_onednn", sources: Object.keys(sources).map((f) => `src/${f}`), libraries: ["-ldnnl"] }] };
  writeFileSync(path.join(dir, "binding.gyp"), JSON.stringify(gyp));
  return dir;
}

const build = (dir: string, args: string[], env: NodeJS.ProcessEnv = process.env) =>
  spawnSync(process.execPath, [path.join(dir, "build.mjs"), ...args], { cwd: dir, encoding: "utf8", env: { ...env, npm_config_jobs: "1" } });

afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("native/build.mjs", () => {
  it.skipIf(!toolchain)("fails under --require when the addon does not compile, and only skips without it", () => {
    const dir = addonFolder({ "module.cc": "#error deliberately broken\n" });
    const required = build(dir, ["--require"]);
    expect(required.stderr).toMatch(/onednn addon broken \(compile failed, exit \d+.*\) although g\+\+ and libdnnl-dev are installed/);
    expect(required.status).toBe(1);
    const lenient = build(dir, []);
    expect(lenient.stdout).toMatch(/onednn addon not built \(compile failed/);
    expect(lenient.status).toBe(0);
  }, 120_000);

  it.skipIf(!toolchain)("fails under --require when a built addon does not load", () => {
    const dir = addonFolder({ "module.cc": "// built elsewhere\n" });
    mkdirSync(path.join(dir, "build", "Release"), { recursive: true });
    writeFileSync(path.join(dir, "build", "Release", "lab_onednn.node"), "not a shared object"); // newer than the sources: "up to date"
    const r = build(dir, ["--require"]);
    expect(r.stderr).toMatch(/onednn addon broken \(does not load: .*\)/);
    expect(r.status).toBe(1);
  });

  it("skips, even under --require, where there is no compiler: the app then trains on wasm", () => {
    const dir = addonFolder({ "module.cc": "" });
    const r = build(dir, ["--require"], { ...process.env, PATH: "/nonexistent" });
    expect(r.stdout).toMatch(/onednn addon not built \(g\+\+ not found\)/);
    expect(r.status).toBe(0);
  });
});
