-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "meetsRequirements" BOOLEAN,
ADD COLUMN     "shipStageIndex" INTEGER;

-- AlterTable
ALTER TABLE "Stage" ADD COLUMN     "verdict" JSONB;

-- CreateIndex
CREATE INDEX "Run_meetsRequirements_idx" ON "Run"("meetsRequirements");
