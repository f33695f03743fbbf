-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Run" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "experimentId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "pipeline" JSONB NOT NULL,
    "training" JSONB NOT NULL,
    "requirements" JSONB NOT NULL,
    "seed" INTEGER NOT NULL,
    "backend" TEXT,
    "backendWarning" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "progress" JSONB,
    "queuedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    "parentRunId" TEXT,
    "meetsRequirements" BOOLEAN,
    "shipStageIndex" INTEGER,
    "sortedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "techniques" TEXT NOT NULL DEFAULT '',
    "nameKey" TEXT NOT NULL DEFAULT '',
    "bestAccuracy" REAL,
    "finalLatencyMs" REAL,
    "finalSizeBytes" INTEGER,
    CONSTRAINT "Run_experimentId_fkey" FOREIGN KEY ("experimentId") REFERENCES "Experiment" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Run_parentRunId_fkey" FOREIGN KEY ("parentRunId") REFERENCES "Run" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Run" ("attempts", "backend", "backendWarning", "error", "experimentId", "finishedAt", "id", "meetsRequirements", "parentRunId", "pipeline", "progress", "queuedAt", "requirements", "seed", "shipStageIndex", "startedAt", "status", "training") SELECT "attempts", "backend", "backendWarning", "error", "experimentId", "finishedAt", "id", "meetsRequirements", "parentRunId", "pipeline", "progress", "queuedAt", "requirements", "seed", "shipStageIndex", "startedAt", "status", "training" FROM "Run";
DROP TABLE "Run";
ALTER TABLE "new_Run" RENAME TO "Run";
CREATE INDEX "Run_status_idx" ON "Run"("status");
CREATE INDEX "Run_experimentId_idx" ON "Run"("experimentId");
CREATE INDEX "Run_queuedAt_idx" ON "Run"("queuedAt");
CREATE INDEX "Run_startedAt_idx" ON "Run"("startedAt");
CREATE INDEX "Run_meetsRequirements_idx" ON "Run"("meetsRequirements");
CREATE INDEX "Run_parentRunId_sortedAt_id_idx" ON "Run"("parentRunId", "sortedAt", "id");
CREATE INDEX "Run_parentRunId_status_sortedAt_id_idx" ON "Run"("parentRunId", "status", "sortedAt", "id");
CREATE INDEX "Run_parentRunId_nameKey_id_idx" ON "Run"("parentRunId", "nameKey", "id");
CREATE INDEX "Run_parentRunId_bestAccuracy_id_idx" ON "Run"("parentRunId", "bestAccuracy", "id");
CREATE INDEX "Run_parentRunId_finalLatencyMs_id_idx" ON "Run"("parentRunId", "finalLatencyMs", "id");
CREATE INDEX "Run_parentRunId_finalSizeBytes_id_idx" ON "Run"("parentRunId", "finalSizeBytes", "id");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- Backfill the summary columns (lib/runs/run-summary.ts keeps them up to date from here on).
UPDATE "Run" SET
  "sortedAt" = COALESCE("startedAt", "queuedAt"),
  "nameKey" = COALESCE(LOWER((SELECT e."name" FROM "Experiment" e WHERE e."id" = "Run"."experimentId")), ''),
  "techniques" = COALESCE(',' || (SELECT group_concat(DISTINCT s."technique") FROM "Stage" s WHERE s."runId" = "Run"."id") || ',', ''),
  "bestAccuracy" = (SELECT MAX(s."accuracy") FROM "Stage" s WHERE s."runId" = "Run"."id" AND s."status" = 'succeeded'),
  "finalLatencyMs" = (SELECT s."latencyP50Ms" FROM "Stage" s WHERE s."runId" = "Run"."id" AND s."status" = 'succeeded' ORDER BY s."index" DESC LIMIT 1),
  "finalSizeBytes" = (SELECT s."sizeBytes" FROM "Stage" s WHERE s."runId" = "Run"."id" AND s."status" = 'succeeded' ORDER BY s."index" DESC LIMIT 1);

-- The technique filter's count reads the index alone.
CREATE INDEX "Run_parentRunId_techniques_idx" ON "Run"("parentRunId", "techniques");
