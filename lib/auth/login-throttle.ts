// Password guessing: after a few failures in a row, each further attempt must wait twice as long as the last
// (per client, and for all clients together so that rotating addresses does not help). While a wait is on,
// attempts are refused with 429 and Retry-After without the password even being compared. The check and the
// bookkeeping are synchronous, so parallel attempts cannot slip in between them. State lives in the one web
// process; it resets when the process restarts.

export interface ThrottlePolicy {
  /** Failures allowed before the back-off starts. */
  freeFailures: number;
  /** The first wait; each further failure doubles it, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A record with no failure for this long is forgotten. */
  forgetAfterMs: number;
}

export const CLIENT_POLICY: ThrottlePolicy = { freeFailures: 5, baseDelayMs: 1_000, maxDelayMs: 15 * 60_000, forgetAfterMs: 60 * 60_000 };
/** Global: more failures allowed (several people may mistype), a shorter cap (an attacker can lock everyone out). */
export const GLOBAL_POLICY: ThrottlePolicy = { freeFailures: 50, baseDelayMs: 1_000, maxDelayMs: 60_000, forgetAfterMs: 15 * 60_000 };

interface Record {
  failures: number;
  last: number;
}

export class Backoff {
  private readonly records = new Map<string, Record>();
  constructor(private readonly policy: ThrottlePolicy) {}

  /** Milliseconds `key` must still wait before its next attempt (0: go ahead). */
  waitMs(key: string, now: number): number {
    const r = this.current(key, now);
    if (!r || r.failures < this.policy.freeFailures) return 0;
    const delay = Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** (r.failures - this.policy.freeFailures));
    return Math.max(0, r.last + delay - now);
  }

  /** Counts a failure; returns how many in a row `key` now has. */
  fail(key: string, now: number): number {
    const r = this.current(key, now) ?? { failures: 0, last: now };
    r.failures += 1;
    r.last = now;
    this.records.set(key, r);
    if (this.records.size > 10_000) this.prune(now);
    return r.failures;
  }

  succeed(key: string): void {
    this.records.delete(key);
  }

  private current(key: string, now: number): Record | undefined {
    const r = this.records.get(key);
    if (r && now - r.last > this.policy.forgetAfterMs) {
      this.records.delete(key);
      return undefined;
    }
    return r;
  }

  private prune(now: number): void {
    for (const [key, r] of this.records) if (now - r.last > this.policy.forgetAfterMs) this.records.delete(key);
  }
}

const GLOBAL = "*";

export class LoginThrottle {
  private readonly clients = new Backoff(CLIENT_POLICY);
  private readonly all = new Backoff(GLOBAL_POLICY);

  /** Milliseconds before `client` may try again (the longer of its own and the global wait). */
  waitMs(client: string, now = Date.now()): number {
    return Math.max(this.clients.waitMs(client, now), this.all.waitMs(GLOBAL, now));
  }

  /** Records a wrong password; returns the client's failures in a row (for the log). */
  fail(client: string, now = Date.now()): number {
    this.all.fail(GLOBAL, now);
    return this.clients.fail(client, now);
  }

  succeed(client: string): void {
    this.clients.succeed(client);
  }
}

/** The one throttle of this process (kept on globalThis so that dev-mode reloads do not reset it). */
export function loginThrottle(): LoginThrottle {
  const g = globalThis as { __labLoginThrottle?: LoginThrottle };
  return (g.__labLoginThrottle ??= new LoginThrottle());
}

/**
 * Who is guessing: the address Next recorded for the connection (x-forwarded-for, which Next fills in from the
 * socket when no proxy in front set it). A client can forge it to dodge its own back-off, but not the global one.
 */
export function clientOf(headers: Headers): string {
  return headers.get("x-forwarded-for")?.split(",")[0]?.trim().slice(0, 100) || "unknown";
}
