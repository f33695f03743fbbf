// Uploaded models (POST /api/models): what each upload found, and the pipeline stage that starts from it.
import Link from "next/link";
import { db } from "@/lib/db";
import { listModels } from "@/lib/models/list-models";
import { UploadModelForm } from "./upload-model-form";

export const dynamic = "force-dynamic";

const pct = (v: number) => `${(v * 100).toFixed(1)} %`;

export default async function ModelsPage() {
  const models = await listModels(db());
  const datasets = await db().dataset.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true } });
  return (
    <>
      <div className="row">
        <h1>Models</h1>
        <span className="spacer" />
        <Link className="button" href="/experiments/new">New experiment</Link>
      </div>
      <p className="muted">
        Upload a trained ONNX model (PyTorch <code>torch.onnx.export</code>, opsets 11–17) with{" "}
        <code>curl --data-binary @model.onnx -H &apos;content-type: application/octet-stream&apos; &apos;/api/models?name=my-net&amp;datasetId=fashion-mnist&apos;</code>;
        it is converted, checked against onnxruntime and measured on the dataset. A pipeline starts from it with{" "}
        <code>{`{"technique":"baseline","params":{"modelId":"…"}}`}</code>, or pick it as the Model in the New experiment form.
      </p>
      <UploadModelForm datasets={datasets} />
      {models.length === 0 ? (
        <div className="panel muted">No model uploaded yet.</div>
      ) : (
        <div className="table-scroll">
          <table className="data" data-testid="models-table">
            <thead>
              <tr>
                <th>Name</th><th>Dataset</th><th>Input</th><th>Preprocessing</th><th>Classes</th><th>Params</th><th>MACs</th><th>FP32 size</th>
                <th>Accuracy</th><th>vs onnxruntime</th><th>Techniques</th><th>Operators</th>
              </tr>
            </thead>
            <tbody>
              {models.map((m) => (
                <tr key={m.id} data-model-id={m.id}>
                  <td>{m.name}<div className="muted small"><code>{m.id}</code></div></td>
                  <td>{m.datasetId}</td>
                  <td>{m.layout} [N, {m.inputShape.join(", ")}]</td>
                  <td className="small">(p × {m.preprocessing.scale.toPrecision(3)} − {m.preprocessing.mean.join("/")}) / {m.preprocessing.std.join("/")}</td>
                  <td>{m.classes}</td>
                  <td>{m.params.toLocaleString("en")}</td>
                  <td>{m.macs.toLocaleString("en")}</td>
                  <td>{(m.fp32Bytes / 1024).toFixed(1)} KiB</td>
                  <td>{pct(m.accuracy)}<div className="muted small">{m.testImages} test images</div></td>
                  <td className="small">{m.check.passed ? "✓" : "✗"} max |Δ| {m.check.maxAbsDiff.toExponential(1)}, top-1 {pct(m.check.top1Agreement)}</td>
                  <td className="small">
                    {Object.entries(m.techniques).map(([t, fit]) => (
                      <div key={t} title={fit.reason}>{fit.applies ? "✓" : "✗"} {t}</div>
                    ))}
                  </td>
                  <td className="small">{Object.entries(m.operators).map(([op, n]) => `${op}×${n}`).join(", ")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
