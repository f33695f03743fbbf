-- PostgreSQL sorts the runs table by the partial indexes over top-level runs (run_summary), not by the
-- composite ones that name_search_indexes widened: they carry nameKey too (INCLUDE), so a name search sorted by
-- another column reads the index alone (issue #18: q=mobilenet&sort=size&dir=asc read 30,809 rows from the
-- table for one page, 95 ms). Written by hand: the Prisma schema has no partial or INCLUDE indexes.
DROP INDEX "Run_top_sortedAt_idx";
CREATE INDEX "Run_top_sortedAt_idx" ON "Run"("sortedAt", "id") INCLUDE ("nameKey") WHERE "parentRunId" IS NULL;
DROP INDEX "Run_top_status_idx";
CREATE INDEX "Run_top_status_idx" ON "Run"("status", "sortedAt", "id") INCLUDE ("nameKey") WHERE "parentRunId" IS NULL;
DROP INDEX "Run_top_bestAccuracy_idx";
CREATE INDEX "Run_top_bestAccuracy_idx" ON "Run"("bestAccuracy", "id") INCLUDE ("nameKey") WHERE "parentRunId" IS NULL;
DROP INDEX "Run_top_finalLatencyMs_idx";
CREATE INDEX "Run_top_finalLatencyMs_idx" ON "Run"("finalLatencyMs", "id") INCLUDE ("nameKey") WHERE "parentRunId" IS NULL;
DROP INDEX "Run_top_finalSizeBytes_idx";
CREATE INDEX "Run_top_finalSizeBytes_idx" ON "Run"("finalSizeBytes", "id") INCLUDE ("nameKey") WHERE "parentRunId" IS NULL;
