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

-- The name search's index (issue #18): a trigram GIN index answers `"nameKey" LIKE '%text%'` as it is written
-- (lib/runs/list-runs.ts), so a rare name is found without reading every run. pg_trgm ships with PostgreSQL
-- (contrib) and is a trusted extension: the database's owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX "Run_nameKey_trgm_idx" ON "Run" USING gin ("nameKey" gin_trgm_ops);
