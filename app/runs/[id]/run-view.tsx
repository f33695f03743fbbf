"use client";
// The run page: live over server-sent events while the run goes, then its results and downloads.
import { useEffect, useState } from "react";
import type { RunSnapshot } from "@/lib/runs/run-snapshot";
import { RunProgress, type RunStatus } from "@/lib/schemas/run";
import { bytes, count, duration, ms, pct } from "../../_components/format";
import { StatusBadge } from "../../_components/status-badge";
import { TrainingCurves } from "./training-curves";

const LIVE: RunStatus[] = ["queued", "running"];

export function RunView({ initial }: { initial: RunSnapshot }) {
  const [run, setRun] = useState(initial);
  const [progress, setProgress] = useState<RunProgress | null>(() => RunProgress.safeParse(initial.progress).data ?? null);
  const live = LIVE.includes(run.status as RunStatus);

  useEffect(() => {
    if (!live) return;
    const source = new EventSource(`/api/runs/${run.id}/events`);
    source.addEventListener("run", (e) => {
      const next = JSON.parse((e as MessageEvent).data) as RunSnapshot;
      setRun(next);
      const p = RunProgress.safeParse(next.progress);
      if (p.success) setProgress(p.data);
    });
    source.addEventListener("progress", (e) => {
      const p = RunProgress.safeParse(JSON.parse((e as MessageEvent).data));
      if (p.success) setProgress(p.data);
    });
    return () => source.close();
  }, [run.id, live]);

  async function cancel() {
    await fetch(`/api/runs/${run.id}/cancel`, { method: "POST" });
  }

  const final = run.stages.filter((s) => s.status === "succeeded").at(-1);
  const onnx = run.artifacts.filter((a) => a.kind.startsWith("onnx"));
  const fraction = run.status === "succeeded" ? 1 : progress?.fraction ?? 0;

  return (
    <>
      <div className="row">
        <h1 style={{ margin: 0 }}>{run.experiment.name}</h1>
        <StatusBadge status={run.status} testId="run-status" />
        <span className="spacer" />
        {live ? <button className="button secondary" onClick={cancel}>Cancel</button> : null}
      </div>
      <p className="muted">
        {run.experiment.baseArch} on {run.experiment.dataset.name} · seed {run.seed} · backend {run.backend ?? "not started"} · {duration(run.startedAt, run.finishedAt)}
      </p>
      {run.backendWarning ? <div className="alert warn">{run.backendWarning}</div> : null}
      {run.error ? <div className="alert" data-testid="run-error">{run.error}</div> : null}

      <section className="panel" aria-label="Progress">
        <div className="row" style={{ marginBottom: 8 }}>
          <strong>{progressTitle(run.status as RunStatus, progress)}</strong>
          <span className="spacer" />
          <span className="muted mono" data-testid="progress-detail">{progressDetail(progress)}</span>
        </div>
        <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(fraction * 100)} data-testid="progress-bar">
          <div style={{ width: `${fraction * 100}%` }} />
        </div>
      </section>

      <h2>Result</h2>
      <div className="cards">
        <Card label="Test accuracy (top-1)" value={pct(final?.accuracy)} testId="result-accuracy" />
        <Card label="ONNX size" value={bytes(final?.sizeBytes)} sub={final?.gzipBytes ? `${bytes(final.gzipBytes)} gzipped` : undefined} testId="result-size" />
        <Card label="Latency p50 (batch 1)" value={ms(final?.latencyP50Ms)} sub={final?.latencyP95Ms ? `p95 ${ms(final.latencyP95Ms)} · ${final.latencyThreads} thread` : "onnxruntime-node, CPU"} testId="result-latency" />
        <Card label="Parameters" value={count(final?.paramCount)} sub={final?.macs ? `${count(final.macs)} MACs` : undefined} />
      </div>
      {onnx.length ? (
        <div className="row" style={{ marginTop: 12 }}>
          {onnx.map((a) => (
            <a key={a.id} className="button" href={`/api/artifacts/${a.id}`} download data-testid="download-onnx">
              Download ONNX ({a.kind === "onnx-int8" ? "INT8" : "FP32"}, {bytes(a.bytes)})
            </a>
          ))}
        </div>
      ) : null}

      <h2>Stages</h2>
      <table className="data">
        <thead>
          <tr><th>#</th><th>Technique</th><th>Status</th><th className="num">Top-1</th><th className="num">Top-5</th><th className="num">p50</th><th className="num">p95</th><th className="num">Size</th><th className="num">Params</th><th className="num">Duration</th></tr>
        </thead>
        <tbody>
          {run.stages.map((s) => (
            <tr key={s.index}>
              <td>{s.index}</td><td>{s.technique}</td><td><StatusBadge status={s.status} /></td>
              <td className="num">{pct(s.accuracy, 2)}</td><td className="num">{pct(s.top5, 2)}</td>
              <td className="num">{ms(s.latencyP50Ms)}</td><td className="num">{ms(s.latencyP95Ms)}</td>
              <td className="num">{bytes(s.sizeBytes)}</td><td className="num">{count(s.paramCount)}</td>
              <td className="num">{s.durationMs != null ? `${(s.durationMs / 1000).toFixed(1)}s` : "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>Training curves</h2>
      <div className="panel"><TrainingCurves metrics={run.metrics} /></div>

      <h2>Artifacts</h2>
      <table className="data">
        <thead><tr><th>File</th><th>Kind</th><th className="num">Size</th><th>sha256</th></tr></thead>
        <tbody>
          {run.artifacts.length === 0 ? <tr><td colSpan={4} className="muted">None yet.</td></tr> : null}
          {run.artifacts.map((a) => (
            <tr key={a.id}>
              <td><a href={`/api/artifacts/${a.id}`} download>{a.fileName}</a></td><td>{a.kind}</td>
              <td className="num">{bytes(a.bytes)}</td><td className="mono">{a.sha256.slice(0, 16)}…</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function Card({ label, value, sub, testId }: { label: string; value: string; sub?: string; testId?: string }) {
  return (
    <div className="card">
      <div className="label">{label}</div>
      <div className="value" data-testid={testId}>{value}</div>
      <div className="muted">{sub ?? "\u00a0"}</div>
    </div>
  );
}

function progressTitle(status: RunStatus, p: RunProgress | null): string {
  if (status === "queued") return "Waiting for a worker…";
  if (status !== "running") return status === "succeeded" ? "Finished" : status === "cancelled" ? "Cancelled" : "Failed";
  if (!p) return "Starting…";
  return `Stage ${p.stageIndex + 1} of ${p.stages} (${p.technique}): ${p.phase}`;
}

function progressDetail(p: RunProgress | null): string {
  if (!p || p.epoch == null) return "\u00a0";
  const parts = [`epoch ${p.epoch}/${p.epochs}`, `batch ${p.batch}/${p.batches}`];
  if (p.loss != null) parts.push(`loss ${p.loss.toFixed(4)}`);
  if (p.accuracy != null) parts.push(`acc ${(p.accuracy * 100).toFixed(1)}%`);
  if (p.imagesPerSec != null) parts.push(`${Math.round(p.imagesPerSec)} img/s`);
  return parts.join(" · ");
}
