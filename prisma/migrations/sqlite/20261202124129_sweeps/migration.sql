-- CreateTable
CREATE TABLE "Sweep" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "experimentId" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "parameters" JSONB NOT NULL,
    "maxRuns" INTEGER NOT NULL,
    "seeds" JSONB NOT NULL,
    "earlyTermination" JSONB NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Sweep_experimentId_fkey" FOREIGN KEY ("experimentId") REFERENCES "Experiment" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

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
    "meetsRequirements" BOOLEAN,
    "shipStageIndex" INTEGER,
    "queuedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    "parentRunId" TEXT,
    "sweepId" TEXT,
    "sweepValues" JSONB,
    "seedGroup" TEXT,
    "stopReason" JSONB,
    "sortedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "techniques" TEXT NOT NULL DEFAULT '',
    "nameKey" TEXT NOT NULL DEFAULT '',
    "bestAccuracy" REAL,
    "finalLatencyMs" REAL,
    "finalSizeBytes" INTEGER,
    CONSTRAINT "Run_experimentId_fkey" FOREIGN KEY ("experimentId") REFERENCES "Experiment" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Run_sweepId_fkey" FOREIGN KEY ("sweepId") REFERENCES "Sweep" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Run_parentRunId_fkey" FOREIGN KEY ("parentRunId") REFERENCES "Run" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Run" ("attempts", "backend", "backendWarning", "bestAccuracy", "error", "experimentId", "finalLatencyMs", "finalSizeBytes", "finishedAt", "id", "meetsRequirements", "nameKey", "parentRunId", "pipeline", "progress", "queuedAt", "requirements", "seed", "shipStageIndex", "sortedAt", "startedAt", "status", "techniques", "training") SELECT "attempts", "backend", "backendWarning", "bestAccuracy", "error", "experimentId", "finalLatencyMs", "finalSizeBytes", "finishedAt", "id", "meetsRequirements", "nameKey", "parentRunId", "pipeline", "progress", "queuedAt", "requirements", "seed", "shipStageIndex", "sortedAt", "startedAt", "status", "techniques", "training" FROM "Run";
DROP TABLE "Run";
ALTER TABLE "new_Run" RENAME TO "Run";
CREATE INDEX "Run_status_idx" ON "Run"("status");
CREATE INDEX "Run_meetsRequirements_idx" ON "Run"("meetsRequirements");
CREATE INDEX "Run_experimentId_idx" ON "Run"("experimentId");
CREATE INDEX "Run_queuedAt_idx" ON "Run"("queuedAt");
CREATE INDEX "Run_startedAt_idx" ON "Run"("startedAt");
CREATE INDEX "Run_parentRunId_sortedAt_id_idx" ON "Run"("parentRunId", "sortedAt", "id");
CREATE INDEX "Run_parentRunId_status_sortedAt_id_idx" ON "Run"("parentRunId", "status", "sortedAt", "id");
CREATE INDEX "Run_parentRunId_nameKey_id_idx" ON "Run"("parentRunId", "nameKey", "id");
CREATE INDEX "Run_parentRunId_bestAccuracy_id_idx" ON "Run"("parentRunId", "bestAccuracy", "id");
CREATE INDEX "Run_parentRunId_finalLatencyMs_id_idx" ON "Run"("parentRunId", "finalLatencyMs", "id");
CREATE INDEX "Run_parentRunId_finalSizeBytes_id_idx" ON "Run"("parentRunId", "finalSizeBytes", "id");
CREATE INDEX "Run_parentRunId_techniques_idx" ON "Run"("parentRunId", "techniques");
CREATE INDEX "Run_sweepId_idx" ON "Run"("sweepId");
CREATE INDEX "Run_seedGroup_idx" ON "Run"("seedGroup");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "Sweep_experimentId_idx" ON "Sweep"("experimentId");
