"use client";
// Upload an ONNX model from the browser: the file goes as the raw body of POST /api/models (streamed by the
// server to disk), the settings as the query. The answer — or the refusal naming the operator — is shown here.
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";

export function UploadModelForm({ datasets }: { datasets: { id: string; name: string }[] }) {
  const router = useRouter();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const f = new FormData(event.currentTarget);
    const file = f.get("file");
    if (!(file instanceof File) || file.size === 0) return setMessage({ ok: false, text: "Choose an .onnx file first." });
    const query = new URLSearchParams({ name: String(f.get("name") ?? ""), datasetId: String(f.get("datasetId") ?? "") });
    for (const key of ["mean", "std"]) if (String(f.get(key) ?? "").trim()) query.set(key, String(f.get(key)).trim());
    setBusy(true);
    setMessage(null);
    try {
      const res = await fetch(`/api/models?${query}`, { method: "POST", headers: { "content-type": "application/octet-stream" }, body: file });
      const body = await res.json();
      if (!res.ok) return setMessage({ ok: false, text: body.error?.message ?? `The server answered ${res.status}` });
      const m = body.model;
      setMessage({ ok: true, text: `Uploaded "${m.name}": ${(m.accuracy * 100).toFixed(1)} % on ${m.testImages} test images${m.hint ? ` — ${m.hint}` : ""}` });
      router.refresh();
    } catch {
      setMessage({ ok: false, text: "Could not reach the server." });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="panel" onSubmit={onSubmit} aria-label="Upload a model">
      <div className="row" style={{ gap: 12, flexWrap: "wrap", alignItems: "flex-end" }}>
        <div className="field">
          <label htmlFor="model-file">ONNX file, or TF.js Layers model (.zip of model.json + shards)</label>
          <input id="model-file" name="file" type="file" accept=".onnx,.zip" />
        </div>
        <div className="field">
          <label htmlFor="model-name">Model name</label>
          <input id="model-name" name="name" placeholder="e.g. my-resnet" />
        </div>
        <div className="field">
          <label htmlFor="model-dataset">Check on dataset</label>
          <select id="model-dataset" name="datasetId" defaultValue={datasets[0]?.id}>
            {datasets.map((d) => <option key={d.id} value={d.id}>{d.name}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="model-mean">Mean (per channel)</label>
          <input id="model-mean" name="mean" placeholder="0" />
        </div>
        <div className="field">
          <label htmlFor="model-std">Std (per channel)</label>
          <input id="model-std" name="std" placeholder="1" />
        </div>
        <button className="button" type="submit" disabled={busy}>{busy ? "Checking…" : "Upload"}</button>
      </div>
      <p className="muted small">Input = (pixel / 255 − mean) / std, as the model was trained.</p>
      {message ? <div className={message.ok ? "alert" : "alert error"} role={message.ok ? "status" : "alert"} data-testid="upload-result">{message.text}</div> : null}
    </form>
  );
}
