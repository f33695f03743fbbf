// The loopback guard asks the listening socket, not the configuration: real servers on real addresses.
import net from "node:net";
import os from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { boundRefusal, isLoopback } from "./listen";

const servers: net.Server[] = [];
function listen(host: string): Promise<number> {
  const server = net.createServer((s) => s.destroy());
  servers.push(server);
  return new Promise((resolve) => server.listen(0, host, () => resolve((server.address() as net.AddressInfo).port)));
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

const hasOutsideAddress = Object.values(os.networkInterfaces()).some((infos) => infos?.some((i) => !i.internal));

describe("isLoopback (the configured HOST; listenRefusal's cases are in session.test.ts)", () => {
  it("knows the loopback names and nothing else", () => {
    for (const host of ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"]) expect(isLoopback(host)).toBe(true);
    for (const host of ["0.0.0.0", "::", "192.0.2.2", "lab.local"]) expect(isLoopback(host)).toBe(false);
  });
});

describe("boundRefusal (the address actually bound)", () => {
  it("lets a server bound to loopback only serve without a password", async () => {
    expect(await boundRefusal(await listen("127.0.0.1"), undefined)).toBeNull();
  });

  it.skipIf(!hasOutsideAddress)("refuses a server bound to every address without a password, whatever HOST says", async () => {
    const everywhere = await listen("0.0.0.0");
    expect(await boundRefusal(everywhere, undefined)).toMatch(/Refusing to serve without authentication.*LAB_PASSWORD/);
    expect(await boundRefusal(everywhere, "a password")).toBeNull();
  });

  it.skipIf(!hasOutsideAddress)("refuses the IPv6 wildcard too (next start without -H binds ::)", async () => {
    expect(await boundRefusal(await listen("::"), undefined)).toMatch(/Refusing to serve/);
  });
});
