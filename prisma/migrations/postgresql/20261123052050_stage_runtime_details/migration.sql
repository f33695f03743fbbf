-- AlterTable
ALTER TABLE "Stage" ADD COLUMN     "details" JSONB,
ADD COLUMN     "latencyP50Ms2t" DOUBLE PRECISION,
ADD COLUMN     "latencyP95Ms2t" DOUBLE PRECISION,
ADD COLUMN     "precision" TEXT;
