-- AlterTable
ALTER TABLE "Stage" ADD COLUMN "details" JSONB;
ALTER TABLE "Stage" ADD COLUMN "latencyP50Ms2t" REAL;
ALTER TABLE "Stage" ADD COLUMN "latencyP95Ms2t" REAL;
ALTER TABLE "Stage" ADD COLUMN "precision" TEXT;
