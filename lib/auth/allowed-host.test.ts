import { afterEach, describe, expect, it, vi } from "vitest";

async function load(vars: Record<string, string>) {
  for (const [k, v] of Object.entries(vars)) vi.stubEnv(k, v);
  vi.resetModules();
  return import("./allowed-host");
}

describe("allowed hosts", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("adds LAB_ALLOWED_HOSTS (any port, or the one port given) and the IP literal HOST binds", async () => {
    const { refusedHost } = await load({ LAB_ALLOWED_HOSTS: "lab.example.org, gpu-box:8443", HOST: "10.1.2.3" });
    const refused = (host: string) => refusedHost(new Headers({ host }));
    expect(refused("lab.example.org")).toBeNull();
    expect(refused("Lab.Example.org:3000")).toBeNull();
    expect(refused("gpu-box:8443")).toBeNull();
    expect(refused("gpu-box:3000")).toBe("gpu-box:3000");
    expect(refused("10.1.2.3:3000")).toBeNull();
    expect(refused("127.0.0.1:3000")).toBeNull();
    expect(refused("sub.lab.example.org")).toBe("sub.lab.example.org");
    expect(refusedHost(new Headers())).toBeNull(); // not HTTP from a browser (in-process calls)
  });

  it("never serves a wildcard bind address as a name", async () => {
    const { refusedHost } = await load({ HOST: "0.0.0.0" });
    expect(refusedHost(new Headers({ host: "0.0.0.0:3000" }))).toBe("0.0.0.0:3000");
  });
});
