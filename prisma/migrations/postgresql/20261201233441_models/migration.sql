-- CreateTable
CREATE TABLE "Model" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "bytes" INTEGER NOT NULL,
    "inputShape" JSONB NOT NULL,
    "layout" TEXT NOT NULL,
    "preprocessing" JSONB NOT NULL,
    "classes" INTEGER NOT NULL,
    "params" INTEGER NOT NULL,
    "macs" DOUBLE PRECISION NOT NULL,
    "operators" JSONB NOT NULL,
    "techniques" JSONB NOT NULL,
    "check" JSONB NOT NULL,
    "accuracy" DOUBLE PRECISION NOT NULL,
    "testImages" INTEGER NOT NULL,
    "datasetId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Model_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Model_name_key" ON "Model"("name");

-- CreateIndex
CREATE INDEX "Model_datasetId_idx" ON "Model"("datasetId");

-- AddForeignKey
ALTER TABLE "Model" ADD CONSTRAINT "Model_datasetId_fkey" FOREIGN KEY ("datasetId") REFERENCES "Dataset"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
