import { describe, expect, it } from "vitest";
import { CLIENT_POLICY, GLOBAL_POLICY, LoginThrottle } from "./login-throttle";

describe("login throttle", () => {
  it("lets 5 failures through, then doubles the wait with each failure", () => {
    const t = new LoginThrottle();
    for (let i = 0; i < CLIENT_POLICY.freeFailures; i++) {
      expect(t.waitMs("a", 0)).toBe(0);
      t.fail("a", 0);
    }
    expect(t.waitMs("a", 0)).toBe(1_000);
    expect(t.waitMs("a", 1_000)).toBe(0);
    t.fail("a", 1_000);
    expect(t.waitMs("a", 1_000)).toBe(2_000);
    t.fail("a", 3_000);
    expect(t.waitMs("a", 3_000)).toBe(4_000);
    expect(t.waitMs("b", 3_000)).toBe(0); // another client is not held back
  });

  it("caps the wait, forgets old failures and resets on success", () => {
    const t = new LoginThrottle();
    for (let i = 0; i < 40; i++) t.fail("a", 0);
    expect(t.waitMs("a", 0)).toBe(CLIENT_POLICY.maxDelayMs);
    expect(t.waitMs("a", CLIENT_POLICY.forgetAfterMs + 1)).toBe(0);
    for (let i = 0; i < 10; i++) t.fail("c", 0);
    t.succeed("c");
    expect(t.waitMs("c", 0)).toBe(0);
  });

  it("holds everyone back when many clients fail together", () => {
    const t = new LoginThrottle();
    for (let i = 0; i < GLOBAL_POLICY.freeFailures; i++) t.fail(`client-${i}`, 0);
    expect(t.waitMs("fresh", 0)).toBe(GLOBAL_POLICY.baseDelayMs);
  });
});
