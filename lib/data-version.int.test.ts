// The data version on the real databases: it moves on every committed write, this connection's own and another
// process's client's, and (SQLite, whose file only this test writes) stays put across reads.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedUi } from "../scripts/seed-ui";
import { dataVersion } from "./data-version";
import { createDb, db, providerOfDb } from "./db";

describe("dataVersion", () => {
  const other = createDb(process.env.DATABASE_URL!);
  beforeAll(async () => {
    await seedUi(process.env.DATABASE_URL!, { runs: 10, log: () => {} });
  }, 120_000);
  afterAll(async () => {
    await other.$disconnect();
    await db().$disconnect();
  });

  it("moves on a write through this client and on one through another client", async () => {
    const run = await db().run.findFirstOrThrow({ where: { parentRunId: null }, select: { id: true, seed: true } });
    const before = await dataVersion(db());
    expect(before).not.toBeNull();
    await db().run.update({ where: { id: run.id }, data: { seed: run.seed + 1 } });
    const afterOwn = await dataVersion(db());
    expect(afterOwn).not.toBe(before);
    // the worker's writes come through a client of its own (another connection, another process)
    await other.stage.updateMany({ where: { runId: run.id, index: 0 }, data: { accuracy: 0.5 } });
    expect(await dataVersion(db())).not.toBe(afterOwn);
  });

  it.runIf(process.env.DATABASE_URL!.startsWith("file:"))("stays the same while nothing is written (SQLite: a read is not a change)", async () => {
    const v = await dataVersion(db());
    await db().run.count();
    await other.stage.count();
    expect(await dataVersion(db())).toBe(v);
  });

  it("is unknown (null) for a client it cannot tell the database of", async () => {
    expect(providerOfDb(db())).toBeDefined();
    expect(await dataVersion({} as never)).toBeNull();
  });
});
