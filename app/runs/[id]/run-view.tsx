"use client";
// The run page: live over server-sent events while the run goes, then its results and downloads. Every
// section has a fixed shape from the first render (pending stages are rows already, charts keep their
// height), so live data fills the page in place instead of pushing it around.
import { useRouter } from "next/navigation";
import { useEffect, useMemo, useState } from "react";
import { compareStages } from "@/lib/dashboard/stage-comparison";
import { applyRunDelta, DELTA_EVENTS, type RunDelta } from "@/lib/runs/run-delta";
import type { RunSnapshot } from "@/lib/runs/run-snapshot";
import { CreateExperiment } from "@/lib/schemas/experiment";
import { RunProgress, type RunStatus } from "@/lib/schemas/run";
import { bytes, count, duration, ms, pct, when } from "../../_components/format";
import { StatusBadge } from "../../_components/status-badge";
import { ConfusionMatrix } from "./confusion-matrix";
import { AutoCandidates, isAutoCandidate } from "./auto-candidates";
import { NasCandidates } from "./nas-candidates";
import { StageAnalyses } from "./stage-analysis";
import { StageTable } from "./stage-table";
import { TrainingCurves } from "./training-curves";

const LIVE: RunStatus[] = ["queued", "running"];

export function RunView({ initial }: { initial: RunSnapshot }) {
  const router = useRouter();
  const [run, setRun] = useState(initial);
  const [progress, setProgress] = useState<RunProgress | null>(() => RunProgress.safeParse(initial.progress).data ?? null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [busy, setBusy] = useState<"cancel" | "rerun" | null>(null);
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
    // The pushed changes, folded into the snapshot in place (a `status` event carries the run's own columns).
    for (const type of DELTA_EVENTS) {
      source.addEventListener(type, (e) => {
        const data = JSON.parse((e as MessageEvent).data);
        const delta = (type === "status" ? { type, run: data } : data) as RunDelta;
        setRun((prev) => applyRunDelta(prev, delta));
        if (delta.type === "status" && !LIVE.includes(delta.run.status as RunStatus)) {
          const p = RunProgress.safeParse(delta.run.progress); // the worker's last word ("done") on a finished run
          if (p.success) setProgress(p.data);
        }
      });
    }
    source.addEventListener("progress", (e) => {
      const p = RunProgress.safeParse(JSON.parse((e as MessageEvent).data));
      if (p.success) setProgress(p.data);
    });
    return () => source.close();
  }, [run.id, live]);

  async function cancel() {
    setBusy("cancel");
    setActionError(null);
    try {
      const r = await fetch(`/api/runs/${run.id}/cancel`, { method: "POST" });
      if (!r.ok) setActionError((await r.json().catch(() => null))?.error?.message ?? `Cancel failed (${r.status})`);
      else setRun((prev) => ({ ...prev, status: "cancelled" }));
    } finally {
      setBusy(null);
    }
  }

  async function rerun() {
    setBusy("rerun");
    setActionError(null);
    try {
      const parsed = CreateExperiment.safeParse({
        name: `${run.experiment.name} (re-run)`.slice(0, 120),
        description: run.experiment.description,
        datasetId: run.experiment.datasetId,
        architecture: run.experiment.baseArch,
        tags: Array.isArray(run.experiment.tags) ? run.experiment.tags : [],
        training: run.training,
        pipeline: run.pipeline,
        requirements: run.requirements,
        seed: run.seed,
      });
      if (!parsed.success) {
        setActionError(`This run's settings no longer validate: ${parsed.error.issues[0]?.path.join(".")} ${parsed.error.issues[0]?.message}`);
        return;
      }
      const r = await fetch("/api/experiments", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(parsed.data) });
      const body = await r.json().catch(() => null);
      if (!r.ok) setActionError(body?.error?.message ?? `Re-run failed (${r.status})`);
      else router.push(`/runs/${body.runId}`);
    } finally {
      setBusy(null);
    }
  }

  const final = run.stages.filter((s) => s.status === "succeeded").at(-1);
  const onnx = run.artifacts.filter((a) => a.kind.startsWith("onnx"));
  const fraction = run.status === "succeeded" ? 1 : progress?.fraction ?? 0;
  const rows = useMemo(() => compareStages(run.stages), [run.stages]);
  const classes = Array.isArray(run.experiment.dataset.classes) ? (run.experiment.dataset.classes as unknown[]).map(String) : [];

  return (
    <>
      <div className="row">
        <h1 style={{ margin: 0 }}>{run.experiment.name}</h1>
        <StatusBadge status={run.status} testId="run-status" />
        <span className="spacer" />
        <a className="button secondary" href={`/compare?runs=${run.id}`}>Compare…</a>
        {/* kept in place (hidden) once the run ends, so the header does not move */}
        <button className="button danger" onClick={cancel} disabled={busy != null || !live} style={{ visibility: live ? "visible" : "hidden" }} aria-hidden={!live}>{busy === "cancel" ? "Cancelling…" : "Cancel"}</button>
        <button className="button secondary" onClick={rerun} disabled={busy != null} data-testid="rerun">{busy === "rerun" ? "Starting…" : "Re-run"}</button>
      </div>
      <p className="muted">
        {run.experiment.baseArch} on {run.experiment.dataset.name} · seed {run.seed} · backend {run.backend ?? "not started"} · {duration(run.startedAt, run.finishedAt)}
      </p>
      {run.parentRunId && run.stages[0]?.technique === "auto" ? <p className="muted" data-testid="parent-run">A candidate of <a href={`/runs/${run.parentRunId}`}>this run</a>&apos;s auto search: measured during it; its validation accuracy is in the stage details.</p> : null}
      {run.parentRunId && run.stages[0]?.technique !== "auto" ? <p className="muted" data-testid="parent-run">A NAS candidate of <a href={`/runs/${run.parentRunId}`}>this run</a>: measured during its search; the proxy accuracy is in the stage details.</p> : null}
      {run.sweepId ? (
        <p className="muted" data-testid="sweep-link">
          A run of <a href={`/sweeps/${run.sweepId}`}>a sweep</a>
          {run.sweepValues ? `: ${Object.entries(run.sweepValues as Record<string, unknown>).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(", ")}` : ""}
        </p>
      ) : null}
      {(run.stopReason as { reason?: string } | null)?.reason === "stoppedEarly" ? (
        <div className="alert warn" data-testid="stopped-early">{(run.stopReason as { message: string }).message}</div>
      ) : null}
      {actionError ? <div className="alert" role="alert">{actionError}</div> : null}
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

      <h2>Pipeline</h2>
      <div className="pipeline-row" data-testid="pipeline">
        {run.stages.map((s, i) => {
          const from = (run.pipeline as { from?: number }[] | null)?.[s.index]?.from;
          const current = run.status === "running" && progress?.stageIndex === s.index;
          return (
            <div key={s.index} style={{ display: "contents" }}>
              {i > 0 ? <span className="arrow" aria-hidden="true">{from != null && from !== s.index - 1 ? `⤴${from}` : "→"}</span> : null}
              <div className={`stage-chip ${current ? "running" : s.status}`}>
                <span className="muted small">stage {s.index}{from != null ? ` · from ${from}` : ""}</span>
                <span className="name">{s.technique}</span>
                <span><StatusBadge status={current ? "running" : s.status} /></span>
                <span className="small mono">{s.accuracy != null ? pct(s.accuracy) : "\u00a0"}</span>
                <PreservedLine details={s.details} />
              </div>
            </div>
          );
        })}
      </div>

      <h2>Result</h2>
      <div className="cards">
        <Card label="Test accuracy (top-1)" value={pct(final?.accuracy)} testId="result-accuracy" />
        <Card label="ONNX size" value={bytes(final?.sizeBytes)} sub={final?.gzipBytes ? `${bytes(final.gzipBytes)} gzipped` : undefined} testId="result-size" />
        <Card label="Latency p50 (batch 1)" value={ms(final?.latencyP50Ms)} sub={final?.latencyP95Ms ? `p95 ${ms(final.latencyP95Ms)} · ${final.latencyThreads} thread` : "onnxruntime-node, CPU"} testId="result-latency" />
        <Card label="Parameters" value={count(final?.paramCount)} sub={final?.macs ? `${count(final.macs)} MACs` : undefined} />
      </div>
      <div className="row" style={{ marginTop: 12, minHeight: 36 }}>
        {onnx.map((a) => (
          <a key={a.id} className={`button${onnx.length > 2 ? " small" : ""}`} href={`/api/artifacts/${a.id}`} download data-testid="download-onnx"
            title={`${a.fileName} · sha256 ${a.sha256}`}>
            {onnx.length > 2
              ? `ONNX stage ${a.stageIndex} · ${a.kind === "onnx-int8" ? "INT8" : "FP32"} · ${bytes(a.bytes)}`
              : `Download ONNX (${a.kind === "onnx-int8" ? "INT8" : "FP32"}${onnx.some((o) => o.stageIndex !== a.stageIndex) ? `, stage ${a.stageIndex}` : ""}, ${bytes(a.bytes)})`}
          </a>
        ))}
      </div>

      <div className="row">
        <h2>Stages</h2>
        <span className="spacer" />
        <a className="button secondary small" href={`/api/runs/${run.id}/stages/export?format=csv`} download data-testid="export-stages-csv">CSV</a>
        <a className="button secondary small" href={`/api/runs/${run.id}/stages/export?format=json`} download>JSON</a>
      </div>
      <RunVerdict run={run} rows={rows} />
      <StageTable rows={rows} requirements={run.requirements} shipStageIndex={run.shipStageIndex} testId="stage-table" />

      {run.children.some((c) => !isAutoCandidate(c)) ? (
        <>
          <h2>NAS candidates</h2>
          <NasCandidates runs={run.children.filter((c) => !isAutoCandidate(c))} />
        </>
      ) : null}
      {run.children.some(isAutoCandidate) ? (
        <>
          <h2>Auto search: candidates</h2>
          <AutoCandidates runs={run.children.filter(isAutoCandidate)} runName={run.experiment.name} />
        </>
      ) : null}

      <StageAnalyses runId={run.id} stages={run.stages} />

      <h2>Training curves</h2>
      <div className="panel"><TrainingCurves metrics={run.metrics} stages={run.stages} /></div>

      <h2>Confusion matrix</h2>
      <div className="panel"><ConfusionMatrix stages={run.stages} classes={classes} /></div>

      <h2>Artifacts</h2>
      <table className="data">
        <thead><tr><th>Stage</th><th>File</th><th>Kind</th><th className="num">Size</th><th>sha256</th><th></th></tr></thead>
        <tbody>
          {run.artifacts.length === 0 ? <tr><td colSpan={6} className="muted">None yet.</td></tr> : null}
          {run.artifacts.map((a) => (
            <tr key={a.id}>
              <td>{a.stageIndex}</td>
              <td>{a.fileName}</td><td>{a.kind}</td>
              <td className="num">{bytes(a.bytes)}</td>
              <td className="mono" title={a.sha256}>{a.sha256.slice(0, 16)}…</td>
              <td><a className="button secondary small" href={`/api/artifacts/${a.id}`} download aria-label={`Download ${a.fileName}`}>Download</a></td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>Parameters</h2>
      <div className="two-col">
        <div className="panel">
          <strong>Pipeline</strong>
          <pre className="params mono" data-testid="run-pipeline">{JSON.stringify(run.pipeline, null, 2)}</pre>
        </div>
        <div className="panel">
          <dl className="kv">
            <dt>Dataset</dt><dd>{run.experiment.dataset.name}</dd>
            <dt>Architecture</dt><dd>{run.experiment.baseArch}</dd>
            <dt>Seed</dt><dd>{run.seed}</dd>
            <dt>Tags</dt><dd>{Array.isArray(run.experiment.tags) && run.experiment.tags.length ? (run.experiment.tags as string[]).join(", ") : "—"}</dd>
            {Object.entries((run.training ?? {}) as Record<string, unknown>).map(([k, v]) => (<FragmentKV key={`t-${k}`} k={`training.${k}`} v={v} />))}
            {Object.entries((run.requirements ?? {}) as Record<string, unknown>).map(([k, v]) => (<FragmentKV key={`r-${k}`} k={`requirements.${k}`} v={v} />))}
            <dt>Queued</dt><dd>{when(run.queuedAt)} UTC</dd>
            <dt>Attempts</dt><dd>{run.attempts}</dd>
          </dl>
        </div>
      </div>
    </>
  );
}

/** What the stage kept of its input's sparsity and clustering (lib/compress/preserve.ts), when it received any. */
function PreservedLine({ details }: { details: unknown }) {
  const p = (details as { preserved?: { sparsityReceived?: number; sparsityKept?: number; clustersReceived?: number; clustersKept?: number | null } } | null)?.preserved;
  if (!p || !(p.sparsityReceived || p.clustersReceived)) return null;
  const parts: string[] = [];
  if (p.sparsityReceived) parts.push(`sparsity ${pct(p.sparsityReceived, 0)} → ${pct(p.sparsityKept, 0)}`);
  if (p.clustersReceived) parts.push(`≤${p.clustersReceived} values/ch → ${p.clustersKept ?? "—"}`);
  return <span className="small mono muted" data-testid="stage-preserved" title="received from the input model → kept in this stage's model">{parts.join(" · ")}</span>;
}

function FragmentKV({ k, v }: { k: string; v: unknown }) {
  return (<><dt className="mono">{k}</dt><dd className="mono">{typeof v === "object" ? JSON.stringify(v) : String(v)}</dd></>);
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

/** The worker's verdict on the run's requirements: which stages meet them all, and the one to ship. */
function RunVerdict({ run, rows }: { run: RunSnapshot; rows: ReturnType<typeof compareStages> }) {
  const meeting = rows.filter((r) => r.meetsAll === true).map((r) => r.stage);
  const ship = run.stages.find((s) => s.index === run.shipStageIndex);
  const text =
    run.meetsRequirements == null
      ? LIVE.includes(run.status as RunStatus) ? "Requirements are judged as each stage ends." : "No compressed stage was judged against the requirements."
      : run.meetsRequirements
        ? `Meets requirements — stage${meeting.length > 1 ? "s" : ""} ${meeting.map((s) => `${s.index} (${s.technique})`).join(", ")}${ship ? `; ship stage ${ship.index} (${ship.technique}, ${bytes(ship.sizeBytes)}, ${pct(ship.accuracy)})` : ""}.`
        : "Misses requirements — no compressed stage meets all of them.";
  const state = run.meetsRequirements == null ? "none" : run.meetsRequirements ? "yes" : "no";
  return <div className={`alert verdict-${state}`} data-testid="run-verdict" data-meets={state}>{text}</div>;
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
