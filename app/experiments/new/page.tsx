import { techniquesOf } from "@/lib/dashboard/technique-fields";
import { db } from "@/lib/db";
import { ARCHITECTURES } from "@/lib/ml/models/architecture";
import { listModels } from "@/lib/models/list-models";
import { NewExperimentForm } from "./new-experiment-form";

export const dynamic = "force-dynamic";

export default async function NewExperimentPage() {
  const rows = await db().dataset.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true, trainCount: true, testCount: true, inputShape: true, classes: true } });
  // What the form needs to size models before launch (lib/dashboard/pipeline-estimate.ts).
  const datasets = rows.map(({ inputShape, classes, ...d }) => ({ ...d, inputShape: inputShape as [number, number, number], numClasses: (classes as string[]).length }));
  // The baseline's params (modelId) are set by the form's Model select, not as generated fields; fineTuneEpochs is API-only.
  const techniques = techniquesOf().map((t) => (t.name === "baseline" ? { ...t, fields: [] } : t));
  const models = (await listModels(db())).map(({ id, name, datasetId, accuracy }) => ({ id, name, datasetId, accuracy }));
  return (
    <>
      <h1>New experiment</h1>
      {datasets.length === 0 ? (
        <div className="alert">No dataset is registered. Install Debian&apos;s <code>dataset-fashion-mnist</code> (or set DATA_DIR) and restart.</div>
      ) : (
        <NewExperimentForm datasets={datasets} architectures={ARCHITECTURES} techniques={techniques} models={models} />
      )}
    </>
  );
}
