-- The tag filter on PostgreSQL (issue #18): the text of Experiment.tags LIKE a quoted tag had no statistics, so
-- the planner guessed 10 matching experiments of 100,000 (there were 14,286), read them all and sorted them
-- (400-700 ms a page). An index on the expression gives the planner statistics (ANALYZE samples indexed
-- expressions) and a trigram lookup. With them the plan walks the sort index instead (6 ms). SQLite needs none.
-- Written by hand, with no schema change: the Prisma schema cannot name an expression index portably.
CREATE INDEX "Experiment_tags_text_trgm_idx" ON "Experiment" USING gin ((CAST("tags" AS TEXT)) gin_trgm_ops);
ANALYZE "Experiment";
