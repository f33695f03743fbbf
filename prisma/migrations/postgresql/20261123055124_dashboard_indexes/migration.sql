-- CreateIndex
CREATE INDEX "Run_startedAt_idx" ON "Run"("startedAt");

-- CreateIndex
CREATE INDEX "Stage_runId_status_idx" ON "Stage"("runId", "status");

-- CreateIndex
CREATE INDEX "Stage_technique_idx" ON "Stage"("technique");
