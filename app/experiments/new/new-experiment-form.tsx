"use client";
// The experiment form validates with the same zod schema as the API (CreateExperiment), and shows the
// server's field errors too, each next to its field. The pipeline editor is generated from the technique
// schemas (see lib/dashboard/technique-fields.ts).
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { buildPreset, presetPipelines, PRESETS, type DraftStage } from "@/lib/dashboard/presets";
import type { TechniqueInfo } from "@/lib/dashboard/technique-fields";
import type { Architecture } from "@/lib/ml/models/architecture";
import { CreateExperiment, type CreateExperimentInput } from "@/lib/schemas/experiment";
import { PipelineEditor } from "./pipeline-editor";
import { StageEstimates } from "./stage-estimates";
import { sweepRunCount, SweepFields, type SweepRow } from "./sweep-fields";
import { parseSeeds, parseSweepValues } from "@/lib/dashboard/sweep-draft";

type Issue = { path: (string | number)[]; message: string };

interface Props {
  datasets: { id: string; name: string; trainCount: number; testCount: number; inputShape: [number, number, number]; numClasses: number }[];
  architectures: Record<Architecture, { label: string; description: string }>;
  techniques: TechniqueInfo[];
  /** Uploaded models (POST /api/models): the baseline can load one instead of training the architecture. */
  models?: { id: string; name: string; datasetId: string; accuracy: number }[];
}

function fieldErrors(issues: Issue[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of issues) out[i.path.join(".")] ??= i.message;
  return out;
}

const DEFAULT_REQ = { maxAccuracyDrop: 5, minLatencyReduction: 40, minSizeReduction: 30 };

export function NewExperimentForm({ datasets, architectures, techniques, models = [] }: Props) {
  const router = useRouter();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [stages, setStages] = useState<DraftStage[]>([{ technique: "baseline", params: {} }]);
  const [req, setReq] = useState(DEFAULT_REQ);
  const [presetNote, setPresetNote] = useState<string | null>(null);
  const [arch, setArch] = useState<Architecture>("bench-cnn");
  const [datasetId, setDatasetId] = useState(datasets[0]?.id ?? "");
  // The preset in use, re-fitted when the architecture or dataset changes (its student depends on them).
  const [activePreset, setActivePreset] = useState<string | null>(null);
  const [suggestion, setSuggestion] = useState<Architecture | null>(null);
  const dataset = datasets.find((d) => d.id === datasetId) ?? datasets[0];
  const shape = { inputShape: dataset.inputShape, numClasses: dataset.numClasses };
  const [modelId, setModelId] = useState("");
  const [sweepRows, setSweepRows] = useState<SweepRow[]>([]);
  const [sweepSeeds, setSweepSeeds] = useState("");
  const sweepRuns = sweepRunCount(sweepRows, sweepSeeds);

  function applyPreset(id: string, forArch: Architecture = arch, forShape = shape) {
    const preset = presetPipelines(forArch, forShape, techniques).find((p) => p.id === id);
    if (!preset) {
      setPresetNote(`${PRESETS.find((p) => p.id === id)?.label ?? id} needs a technique not available in this build yet.`);
      return;
    }
    setStages(preset.pipeline);
    setActivePreset(id);
    setSuggestion(preset.suggest ?? null);
    setReq({ maxAccuracyDrop: preset.requirements.maxAccuracyDrop * 100, minLatencyReduction: preset.requirements.minLatencyReduction * 100, minSizeReduction: preset.requirements.minSizeReduction * 100 });
    setPresetNote(preset.note ?? `${preset.label}: ${preset.description}.`);
  }

  function chooseArchitecture(a: Architecture) {
    setArch(a);
    if (activePreset) applyPreset(activePreset, a);
  }

  function chooseDataset(id: string) {
    setDatasetId(id);
    const d = datasets.find((x) => x.id === id);
    if (activePreset && d) applyPreset(activePreset, arch, { inputShape: d.inputShape, numClasses: d.numClasses });
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const f = new FormData(event.currentTarget);
    const num = (name: string) => (f.get(name) === "" || f.get(name) == null ? undefined : Number(f.get(name)));
    const tags = String(f.get("tags") ?? "").split(",").map((t) => t.trim()).filter(Boolean);
    const input: CreateExperimentInput = {
      name: String(f.get("name") ?? ""),
      description: String(f.get("description") ?? ""),
      datasetId: String(f.get("datasetId") ?? ""),
      architecture: String(f.get("architecture")) as Architecture,
      tags,
      training: {
        epochs: num("epochs"), trainLimit: num("trainLimit"), batchSize: num("batchSize"), learningRate: num("learningRate"),
        optimizer: (String(f.get("optimizer") ?? "adam") as "adam" | "sgd"),
      },
      pipeline: stages.map((s, i) => ({
        technique: s.technique,
        params: i === 0 && s.technique === "baseline" && modelId ? { ...s.params, modelId } : s.params,
        ...(s.from != null ? { from: s.from } : {}),
      })) as CreateExperimentInput["pipeline"],
      requirements: { maxAccuracyDrop: req.maxAccuracyDrop / 100, minLatencyReduction: req.minLatencyReduction / 100, minSizeReduction: req.minSizeReduction / 100 },
      seed: num("seed"),
    };
    const parsed = CreateExperiment.safeParse(input);
    if (!parsed.success) {
      setErrors(fieldErrors(parsed.error.issues as Issue[]));
      setFormError("Some fields need attention.");
      return;
    }
    setErrors({});
    setFormError(null);
    setSubmitting(true);
    try {
      if (sweepRuns > 0) return await submitSweep(parsed.data);
      const response = await fetch("/api/experiments", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(parsed.data) });
      const body = await response.json();
      if (!response.ok) {
        setErrors(fieldErrors(body.error?.issues ?? []));
        setFormError(body.error?.message ?? `The server answered ${response.status}`);
        return;
      }
      router.push(`/runs/${body.runId}`);
    } catch {
      setFormError("Could not reach the server.");
    } finally {
      setSubmitting(false);
    }
  }

  /** With swept fields the form creates a sweep: a grid over them, × the seeds (default: the form's seed). */
  async function submitSweep(base: CreateExperiment) {
    const parameters = Object.fromEntries(sweepRows.filter((r) => parseSweepValues(r.values).length).map((r) => [r.path, { values: parseSweepValues(r.values) }]));
    const seeds = parseSeeds(sweepSeeds);
    const body = { base, method: "grid", parameters, maxRuns: sweepRuns, ...(seeds.length ? { seeds } : {}) };
    const response = await fetch("/api/sweeps", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    const answer = await response.json();
    if (!response.ok) {
      // A combination's issues point into the base body: shown next to the form's own field.
      const issues = (answer.error?.issues ?? []).map((i: Issue) => ({ ...i, path: i.path[0] === "base" ? i.path.slice(1) : i.path }));
      setErrors(fieldErrors(issues));
      setFormError(answer.error?.message ?? `The server answered ${response.status}`);
      return;
    }
    router.push(`/sweeps/${answer.sweepId}`);
  }

  const err = (name: string) => (errors[name] ? <span className="error" id={`${name}-error`} role="alert">{errors[name]}</span> : null);
  const invalid = (name: string, help?: string) => ({
    "aria-invalid": Boolean(errors[name]),
    "aria-describedby": [help, errors[name] ? `${name}-error` : null].filter(Boolean).join(" ") || undefined,
  });

  return (
    <form className="stack wide panel" onSubmit={onSubmit} noValidate>
      {formError ? <div className="alert" role="alert">{formError}</div> : null}
      <div className="grid2">
        <div className="field">
          <label htmlFor="name">Name</label>
          <input id="name" name="name" placeholder="e.g. fmnist-bench-baseline" {...invalid("name")} />
          {err("name")}
        </div>
        <div className="field">
          <label htmlFor="tags">Tags</label>
          <input id="tags" name="tags" placeholder="comma-separated, e.g. mobile, int8" {...invalid("tags", "tags-help")} />
          <span className="help" id="tags-help">Up to 10; filter the runs table by them.</span>
          {err("tags")}
        </div>
      </div>
      <div className="grid2">
        <div className="field">
          <label htmlFor="datasetId">Dataset</label>
          <select id="datasetId" name="datasetId" value={datasetId} onChange={(e) => chooseDataset(e.target.value)} {...invalid("datasetId")}>
            {datasets.map((d) => (
              <option key={d.id} value={d.id}>{d.name} ({d.trainCount.toLocaleString("en-US")} train / {d.testCount.toLocaleString("en-US")} test)</option>
            ))}
          </select>
          {err("datasetId")}
        </div>
        <div className="field">
          <label htmlFor="architecture">Architecture</label>
          <select id="architecture" name="architecture" value={arch} onChange={(e) => chooseArchitecture(e.target.value as Architecture)} {...invalid("architecture", "architecture-help")}>
            {Object.entries(architectures).map(([id, a]) => (
              <option key={id} value={id}>{a.label}</option>
            ))}
          </select>
          <span className="help" id="architecture-help">{architectures[arch]?.description}</span>
          {err("architecture")}
        </div>
        <div className="field">
          <label htmlFor="modelId">Model</label>
          <select id="modelId" name="modelId" value={modelId} onChange={(e) => setModelId(e.target.value)} {...invalid("pipeline.0.params.modelId", "model-help")}>
            <option value="">Train the architecture from scratch</option>
            {models.map((m) => (
              <option key={m.id} value={m.id}>{m.name} (uploaded, checked on {m.datasetId}: {(m.accuracy * 100).toFixed(1)} %)</option>
            ))}
          </select>
          <span className="help" id="model-help">An uploaded model (see <a href="/models">Models</a>) is the baseline as it is; the architecture is then ignored.</span>
          {err("pipeline.0.params.modelId")}
        </div>
      </div>

      <fieldset>
        <legend>Training</legend>
        <div className="grid2">
          <div className="field">
            <label htmlFor="epochs">Epochs</label>
            <input id="epochs" name="epochs" type="number" min={1} max={100} defaultValue={1} {...invalid("training.epochs")} />
            {err("training.epochs")}
          </div>
          <div className="field">
            <label htmlFor="trainLimit">Training subset (images)</label>
            <input id="trainLimit" name="trainLimit" type="number" min={100} placeholder="all" defaultValue={5000} {...invalid("training.trainLimit", "trainLimit-help")} />
            <span className="help" id="trainLimit-help">A seeded random subset of the training split; empty for all of it. 10% is held out for validation.</span>
            {err("training.trainLimit")}
          </div>
          <div className="field">
            <label htmlFor="batchSize">Batch size</label>
            <input id="batchSize" name="batchSize" type="number" min={8} max={512} defaultValue={64} {...invalid("training.batchSize")} />
            {err("training.batchSize")}
          </div>
          <div className="field">
            <label htmlFor="learningRate">Learning rate</label>
            <input id="learningRate" name="learningRate" type="number" step="any" min={0} max={1} defaultValue={0.001} {...invalid("training.learningRate")} />
            {err("training.learningRate")}
          </div>
          <div className="field">
            <label htmlFor="optimizer">Optimizer</label>
            <select id="optimizer" name="optimizer" defaultValue="adam" {...invalid("training.optimizer")}>
              <option value="adam">Adam</option>
              <option value="sgd">SGD</option>
            </select>
            {err("training.optimizer")}
          </div>
          <div className="field">
            <label htmlFor="seed">Seed</label>
            <input id="seed" name="seed" type="number" min={0} defaultValue={42} {...invalid("seed", "seed-help")} />
            <span className="help" id="seed-help">Fixes initial weights, the subset and the shuffling.</span>
            {err("seed")}
          </div>
        </div>
      </fieldset>

      <fieldset>
        <legend>Pipeline</legend>
        <div className="presets" role="group" aria-label="Presets">
          <span className="muted">Presets:</span>
          {PRESETS.map((p) => {
            const built = buildPreset(p, techniques);
            const missing = "missing" in built ? built.missing : [];
            return (
              <button key={p.id} type="button" className="button secondary small" onClick={() => applyPreset(p.id)} title={missing.length ? `needs ${missing.join(", ")}` : p.description} data-testid={`preset-${p.id}`}>
                {p.label}{missing.length ? " (unavailable)" : ""}
              </button>
            );
          })}
          <button type="button" className="button secondary small" onClick={() => { setStages([{ technique: "baseline", params: {} }]); setReq(DEFAULT_REQ); setPresetNote(null); setActivePreset(null); setSuggestion(null); }}>Baseline only</button>
        </div>
        <p className="muted small" aria-live="polite" style={{ minHeight: "1.4em", margin: "6px 0" }} data-testid="preset-note">
          {presetNote ?? "\u00a0"}
          {suggestion ? <> <button type="button" className="button secondary small" onClick={() => chooseArchitecture(suggestion)} data-testid="preset-suggestion">Use {architectures[suggestion].label} as the teacher</button></> : null}
        </p>
        <PipelineEditor stages={stages} techniques={techniques} errors={errors} onChange={(s) => { setStages(s); setActivePreset(null); }} />
        <StageEstimates stages={stages} architecture={arch} shape={shape} />
      </fieldset>

      <SweepFields stages={stages} techniques={techniques} rows={sweepRows} seeds={sweepSeeds} onChange={(rows, seeds) => { setSweepRows(rows); setSweepSeeds(seeds); }} />

      <fieldset>
        <legend>Requirements</legend>
        <p className="muted small" style={{ marginTop: 0 }}>Every stage is checked against the baseline (stage 0); the run page shows pass/fail per stage.</p>
        <div className="grid2" style={{ gridTemplateColumns: "1fr 1fr 1fr" }}>
          {([
            ["maxAccuracyDrop", "Max accuracy drop (pp)"],
            ["minLatencyReduction", "Min latency reduction (%)"],
            ["minSizeReduction", "Min size reduction (%)"],
          ] as const).map(([key, label]) => (
            <div className="field" key={key}>
              <label htmlFor={`req-${key}`}>{label}</label>
              <input id={`req-${key}`} type="number" min={0} max={100} step="any" value={req[key]} onChange={(e) => setReq({ ...req, [key]: e.target.value === "" ? 0 : Number(e.target.value) })}
                aria-invalid={Boolean(errors[`requirements.${key}`])} aria-describedby={errors[`requirements.${key}`] ? `requirements.${key}-error` : undefined} />
              {err(`requirements.${key}`)}
            </div>
          ))}
        </div>
      </fieldset>

      <div className="field">
        <label htmlFor="description">Description</label>
        <textarea id="description" name="description" rows={2} placeholder="optional notes" {...invalid("description")} />
        {err("description")}
      </div>
      <div className="row">
        <button className="button" type="submit" disabled={submitting}>{submitting ? "Starting…" : sweepRuns > 0 ? `Start sweep (${sweepRuns} runs)` : "Start run"}</button>
      </div>
    </form>
  );
}
