-- DropIndex
DROP INDEX "Run_parentRunId_sortedAt_id_idx";

-- DropIndex
DROP INDEX "Run_parentRunId_status_sortedAt_id_idx";

-- DropIndex
DROP INDEX "Run_parentRunId_bestAccuracy_id_idx";

-- DropIndex
DROP INDEX "Run_parentRunId_finalLatencyMs_id_idx";

-- DropIndex
DROP INDEX "Run_parentRunId_finalSizeBytes_id_idx";

-- CreateIndex
CREATE INDEX "Run_parentRunId_sortedAt_id_nameKey_idx" ON "Run"("parentRunId", "sortedAt", "id", "nameKey");

-- CreateIndex
CREATE INDEX "Run_parentRunId_status_sortedAt_id_nameKey_idx" ON "Run"("parentRunId", "status", "sortedAt", "id", "nameKey");

-- CreateIndex
CREATE INDEX "Run_parentRunId_bestAccuracy_id_nameKey_idx" ON "Run"("parentRunId", "bestAccuracy", "id", "nameKey");

-- CreateIndex
CREATE INDEX "Run_parentRunId_finalLatencyMs_id_nameKey_idx" ON "Run"("parentRunId", "finalLatencyMs", "id", "nameKey");

-- CreateIndex
CREATE INDEX "Run_parentRunId_finalSizeBytes_id_nameKey_idx" ON "Run"("parentRunId", "finalSizeBytes", "id", "nameKey");

-- The name search's index (issue #18): a trigram FTS5 index of Run.nameKey answers `LIKE '%text%'` for a rare
-- text without reading every run (lib/runs/list-runs.ts uses it, and re-checks the LIKE on Run itself).
-- External content keyed by Run's rowid, kept by the triggers below. A migration that redefines "Run" (Prisma's
-- RedefineTables copies it and drops it, and its triggers with it) must create these triggers again and end with
-- the 'rebuild' below; list-runs.int.test.ts fails if the index stops following the table.
CREATE VIRTUAL TABLE "RunNameSearch" USING fts5("nameKey", content='Run', content_rowid='rowid', tokenize='trigram');
INSERT INTO "RunNameSearch"("RunNameSearch") VALUES ('rebuild');
CREATE TRIGGER "Run_nameSearch_insert" AFTER INSERT ON "Run" BEGIN
  INSERT INTO "RunNameSearch"("rowid", "nameKey") VALUES (new."rowid", new."nameKey");
END;
CREATE TRIGGER "Run_nameSearch_delete" AFTER DELETE ON "Run" BEGIN
  INSERT INTO "RunNameSearch"("RunNameSearch", "rowid", "nameKey") VALUES ('delete', old."rowid", old."nameKey");
END;
CREATE TRIGGER "Run_nameSearch_update" AFTER UPDATE OF "nameKey" ON "Run" BEGIN
  INSERT INTO "RunNameSearch"("RunNameSearch", "rowid", "nameKey") VALUES ('delete', old."rowid", old."nameKey");
  INSERT INTO "RunNameSearch"("rowid", "nameKey") VALUES (new."rowid", new."nameKey");
END;
