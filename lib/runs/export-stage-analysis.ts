// A stage's sensitivity analysis (the `analyze` stage's details.analysis) as a download: one CSV row per layer,
// or the whole report as JSON.
import { notFound } from "../errors";
import type { Db } from "../db";
import { analysisCsv, analysisOf } from "../compress/sensitivity/analysis-report";

export async function exportStageAnalysis(db: Db, runId: string, index: number) {
  const stage = await db.stage.findUnique({
    where: { runId_index: { runId, index } },
    select: { index: true, technique: true, details: true, run: { select: { id: true, experiment: { select: { name: true } } } } },
  });
  if (!stage) throw notFound("Stage");
  const analysis = analysisOf(stage.details);
  if (!analysis) throw notFound(`Analysis of stage ${index}`);
  const name = `${stage.run.experiment.name}-stage-${index}-analysis`;
  return { name, csv: () => analysisCsv(analysis), json: () => JSON.stringify({ runId, stageIndex: index, technique: stage.technique, analysis }, null, 2) };
}
