-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "bestAccuracy" DOUBLE PRECISION,
ADD COLUMN     "finalLatencyMs" DOUBLE PRECISION,
ADD COLUMN     "finalSizeBytes" INTEGER,
ADD COLUMN     "nameKey" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "sortedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "techniques" TEXT NOT NULL DEFAULT '';

-- CreateIndex
CREATE INDEX "Run_parentRunId_sortedAt_id_idx" ON "Run"("parentRunId", "sortedAt", "id");

-- CreateIndex
CREATE INDEX "Run_parentRunId_status_sortedAt_id_idx" ON "Run"("parentRunId", "status", "sortedAt", "id");

-- CreateIndex
CREATE INDEX "Run_parentRunId_nameKey_id_idx" ON "Run"("parentRunId", "nameKey", "id");

-- CreateIndex
CREATE INDEX "Run_parentRunId_bestAccuracy_id_idx" ON "Run"("parentRunId", "bestAccuracy", "id");

-- CreateIndex
CREATE INDEX "Run_parentRunId_finalLatencyMs_id_idx" ON "Run"("parentRunId", "finalLatencyMs", "id");

-- CreateIndex
CREATE INDEX "Run_parentRunId_finalSizeBytes_id_idx" ON "Run"("parentRunId", "finalSizeBytes", "id");

-- Backfill the summary columns (lib/runs/run-summary.ts keeps them up to date from here on).
UPDATE "Run" SET
  "sortedAt" = COALESCE("startedAt", "queuedAt"),
  "nameKey" = COALESCE(LOWER((SELECT e."name" FROM "Experiment" e WHERE e."id" = "Run"."experimentId")), ''),
  "techniques" = COALESCE(',' || (SELECT string_agg(DISTINCT s."technique", ',' ORDER BY s."technique") FROM "Stage" s WHERE s."runId" = "Run"."id") || ',', ''),
  "bestAccuracy" = (SELECT MAX(s."accuracy") FROM "Stage" s WHERE s."runId" = "Run"."id" AND s."status" = 'succeeded'),
  "finalLatencyMs" = (SELECT s."latencyP50Ms" FROM "Stage" s WHERE s."runId" = "Run"."id" AND s."status" = 'succeeded' ORDER BY s."index" DESC LIMIT 1),
  "finalSizeBytes" = (SELECT s."sizeBytes" FROM "Stage" s WHERE s."runId" = "Run"."id" AND s."status" = 'succeeded' ORDER BY s."index" DESC LIMIT 1);

-- The technique filter's count reads the index alone.
CREATE INDEX "Run_parentRunId_techniques_idx" ON "Run"("parentRunId", "techniques");

-- PostgreSQL orders by an index only after equality on its leading columns, and `parentRunId IS NULL` is not an
-- equality: the runs table's sorts get partial indexes over top-level runs (SQLite uses the composite ones above).
CREATE INDEX "Run_top_sortedAt_idx" ON "Run"("sortedAt", "id") WHERE "parentRunId" IS NULL;
CREATE INDEX "Run_top_status_idx" ON "Run"("status", "sortedAt", "id") WHERE "parentRunId" IS NULL;
CREATE INDEX "Run_top_nameKey_idx" ON "Run"("nameKey", "id") WHERE "parentRunId" IS NULL;
CREATE INDEX "Run_top_bestAccuracy_idx" ON "Run"("bestAccuracy", "id") WHERE "parentRunId" IS NULL;
CREATE INDEX "Run_top_finalLatencyMs_idx" ON "Run"("finalLatencyMs", "id") WHERE "parentRunId" IS NULL;
CREATE INDEX "Run_top_finalSizeBytes_idx" ON "Run"("finalSizeBytes", "id") WHERE "parentRunId" IS NULL;
