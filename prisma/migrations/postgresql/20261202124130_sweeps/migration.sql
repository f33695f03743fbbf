-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "seedGroup" TEXT,
ADD COLUMN     "stopReason" JSONB,
ADD COLUMN     "sweepId" TEXT,
ADD COLUMN     "sweepValues" JSONB;

-- CreateTable
CREATE TABLE "Sweep" (
    "id" TEXT NOT NULL,
    "experimentId" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "parameters" JSONB NOT NULL,
    "maxRuns" INTEGER NOT NULL,
    "seeds" JSONB NOT NULL,
    "earlyTermination" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Sweep_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Sweep_experimentId_idx" ON "Sweep"("experimentId");

-- CreateIndex
CREATE INDEX "Run_sweepId_idx" ON "Run"("sweepId");

-- CreateIndex
CREATE INDEX "Run_seedGroup_idx" ON "Run"("seedGroup");

-- AddForeignKey
ALTER TABLE "Sweep" ADD CONSTRAINT "Sweep_experimentId_fkey" FOREIGN KEY ("experimentId") REFERENCES "Experiment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_sweepId_fkey" FOREIGN KEY ("sweepId") REFERENCES "Sweep"("id") ON DELETE CASCADE ON UPDATE CASCADE;
