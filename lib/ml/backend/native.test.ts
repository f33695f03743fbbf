// Every onednn test skips where the addon is absent (a machine without libdnnl-dev trains on wasm). So that a
// broken build cannot pass as "skipped": where g++ and the oneDNN headers are present, the addon must load.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadNative } from "./native";

const toolchain = spawnSync("g++", ["--version"], { stdio: "ignore" }).status === 0 &&
  ["/usr/include/oneapi/dnnl/dnnl.hpp", "/usr/local/include/oneapi/dnnl/dnnl.hpp"].some((p) => existsSync(p));

describe.runIf(toolchain)("the oneDNN addon, where g++ and libdnnl-dev are installed", () => {
  it("is built and loads", () => {
    const native = loadNative();
    expect("missing" in native ? native.missing : "loaded").toBe("loaded");
    if ("addon" in native) expect(native.addon.version()).toMatch(/^\d+\.\d+/);
  });
});
