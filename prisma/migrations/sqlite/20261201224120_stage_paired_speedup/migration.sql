-- AlterTable
ALTER TABLE "Stage" ADD COLUMN "speedup" REAL;
ALTER TABLE "Stage" ADD COLUMN "speedupHigh" REAL;
ALTER TABLE "Stage" ADD COLUMN "speedupLow" REAL;
