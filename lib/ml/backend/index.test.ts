// Backend selection: LAB_BACKEND values, the fallback to wasm with one line naming what to install, idempotence.
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it, vi } from "vitest";
import { probeNative } from "./native";

// This file sees the addon as absent (the fallback path); kernels.test.ts covers the built addon.
vi.mock("./native", async (importOriginal) => {
  const real = await importOriginal<typeof import("./native")>();
  return { ...real, loadNative: () => real.probeNative("/nonexistent/lab_onednn.node") };
});

const { setupBackend } = await import("./index");

describe("setupBackend", () => {
  it("rejects an unknown LAB_BACKEND, naming the variable", async () => {
    await expect(setupBackend("gpu")).rejects.toThrow(/LAB_BACKEND must be one of auto, onednn, tensorflow, wasm/);
  });

  it("says in one line what is missing when the addon is not built", () => {
    const r = probeNative("/nonexistent/lab_onednn.node");
    expect("missing" in r && r.missing).toMatch(/install libdnnl-dev and g\+\+, then npm run build:native/);
  });

  it("falls back from auto to wasm with a warning for the UI", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const info = await setupBackend("auto");
    expect(info.name).toBe("wasm");
    expect(info.warning).toMatch(/wasm.*npm run build:native/);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(tf.getBackend()).toBe("wasm");
    warn.mockRestore();
  });

  it("falls back from an explicit onednn request too, never to cpu", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const info = await setupBackend("onednn");
    expect(info.name).toBe("wasm");
    expect(info.warning).toMatch(/oneDNN addon is not built/);
    warn.mockRestore();
  });

  it("is idempotent and restores the backend if someone switched it", async () => {
    const a = await setupBackend("wasm");
    await tf.setBackend("cpu");
    const b = await setupBackend("wasm");
    expect(b).toEqual(a);
    expect(tf.getBackend()).toBe("wasm");
  });

  it("defaults to LAB_BACKEND", async () => {
    vi.stubEnv("LAB_BACKEND", "wasm");
    expect((await setupBackend()).name).toBe("wasm");
    vi.unstubAllEnvs();
  });
});

describe("backend names", () => {
  it("env() accepts for LAB_BACKEND exactly what setupBackend accepts (one list: backend-names.ts)", async () => {
    const { BACKEND_NAMES } = await import("./backend-names");
    for (const name of [...BACKEND_NAMES, "gpu"]) {
      vi.resetModules(); // env() caches what it parsed
      vi.stubEnv("LAB_BACKEND", name);
      const { env } = await import("../../env");
      const byEnv = (() => {
        try {
          return env().LAB_BACKEND === name;
        } catch {
          return false;
        }
      })();
      const bySetup = await setupBackend(name).then(() => true, () => false);
      expect([name, byEnv, bySetup]).toEqual([name, BACKEND_NAMES.some((n) => n === name), byEnv]);
    }
    vi.unstubAllEnvs();
  }, 60_000);
});
