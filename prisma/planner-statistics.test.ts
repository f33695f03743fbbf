// SQLite's planner statistics: applyMigrations (every start) runs `PRAGMA optimize=0x10002`, so the runs table's
// name sort walks its own index. Statistics from before a migration that added indexes (the sort indexes that
// carry nameKey) made SQLite answer it from one of the new, un-analysed indexes and sort 100,000 entries in a
// temporary b-tree (15-19 ms a page instead of 0.2 ms).
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, expect, it } from "vitest";
import { seedUi } from "../scripts/seed-ui";
import { applyMigrations } from "./migrate";

const dir = mkdtempSync(path.join(os.tmpdir(), "lab-planner-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NAME_SORT = `EXPLAIN QUERY PLAN SELECT r."id" FROM "Run" r WHERE r."parentRunId" IS NULL ORDER BY r."nameKey" ASC, r."id" ASC LIMIT 50`;

it("a start after the runs table grew gives the name sort its own index, no temporary sort", async () => {
  const file = path.join(dir, "lab.db");
  await seedUi(`file:${file}`, { runs: 400, log: () => {} }); // migrations, the rows, then ANALYZE
  // The statistics the 100,000-run database had (analysed before the migration that created the sort indexes
  // carrying nameKey, and at a different size): none for those indexes, and the name index's row as it was.
  const stale = new Database(file);
  stale.prepare(`DELETE FROM sqlite_stat1 WHERE idx LIKE 'Run_parentRunId_%_nameKey_idx'`).run();
  stale.prepare(`UPDATE sqlite_stat1 SET stat = '188701 7 2 1' WHERE idx = 'Run_parentRunId_nameKey_id_idx'`).run();
  stale.close();
  await applyMigrations(`file:${file}`); // the next start: nothing to migrate, statistics refreshed
  const plan = new Database(file, { readonly: true });
  try {
    // Statistics again for the indexes the migration added (SQLite plans from them)…
    const analysed = plan.prepare(`SELECT idx FROM sqlite_stat1 WHERE idx LIKE 'Run_parentRunId_%_nameKey_idx'`).all();
    expect(analysed.length).toBe(5);
    // …and the name sort walks its own index (at this size SQLite also finds that without them)
    const steps = (plan.prepare(NAME_SORT).all() as { detail: string }[]).map((r) => r.detail);
    expect(steps.join(" | ")).toContain("Run_parentRunId_nameKey_id_idx");
    expect(steps.join(" | ")).not.toContain("TEMP B-TREE");
  } finally {
    plan.close();
  }
}, 120_000);
