"use client";
// The experiment form validates with the same zod schema as the API, and shows the server's field errors too.
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import type { Architecture } from "@/lib/ml/models/architecture";
import { CreateExperiment, type CreateExperimentInput } from "@/lib/schemas/experiment";

type Issue = { path: (string | number)[]; message: string };

interface Props {
  datasets: { id: string; name: string; trainCount: number; testCount: number }[];
  architectures: Record<Architecture, { label: string; description: string }>;
}

function fieldErrors(issues: Issue[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of issues) out[i.path.join(".")] ??= i.message;
  return out;
}

export function NewExperimentForm({ datasets, architectures }: Props) {
  const router = useRouter();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const f = new FormData(event.currentTarget);
    const num = (name: string) => (f.get(name) === "" ? undefined : Number(f.get(name)));
    const input: CreateExperimentInput = {
      name: String(f.get("name") ?? ""),
      datasetId: String(f.get("datasetId") ?? ""),
      architecture: String(f.get("architecture")) as Architecture,
      training: { epochs: num("epochs"), trainLimit: num("trainLimit"), batchSize: num("batchSize") },
      seed: num("seed"),
    };
    const parsed = CreateExperiment.safeParse(input);
    if (!parsed.success) {
      setErrors(fieldErrors(parsed.error.issues as Issue[]));
      return;
    }
    setErrors({});
    setFormError(null);
    setSubmitting(true);
    try {
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

  const err = (name: string) => (errors[name] ? <span className="error" id={`${name}-error`} role="alert">{errors[name]}</span> : null);
  const invalid = (name: string) => ({ "aria-invalid": Boolean(errors[name]), "aria-describedby": errors[name] ? `${name}-error` : undefined });

  return (
    <form className="stack panel" onSubmit={onSubmit} noValidate>
      {formError ? <div className="alert" role="alert">{formError}</div> : null}
      <div className="field">
        <label htmlFor="name">Name</label>
        <input id="name" name="name" placeholder="e.g. fmnist-bench-baseline" {...invalid("name")} />
        {err("name")}
      </div>
      <div className="grid2">
        <div className="field">
          <label htmlFor="datasetId">Dataset</label>
          <select id="datasetId" name="datasetId" defaultValue={datasets[0]?.id} {...invalid("datasetId")}>
            {datasets.map((d) => (
              <option key={d.id} value={d.id}>{d.name} ({d.trainCount.toLocaleString("en-US")} train / {d.testCount.toLocaleString("en-US")} test)</option>
            ))}
          </select>
          {err("datasetId")}
        </div>
        <div className="field">
          <label htmlFor="architecture">Architecture</label>
          <select id="architecture" name="architecture" defaultValue="bench-cnn" {...invalid("architecture")}>
            {Object.entries(architectures).map(([id, a]) => (
              <option key={id} value={id}>{a.label}</option>
            ))}
          </select>
          {err("architecture")}
        </div>
      </div>
      <div className="grid2">
        <div className="field">
          <label htmlFor="epochs">Epochs</label>
          <input id="epochs" name="epochs" type="number" min={1} max={100} defaultValue={1} {...invalid("training.epochs")} />
          {err("training.epochs")}
        </div>
        <div className="field">
          <label htmlFor="trainLimit">Training subset (images)</label>
          <input id="trainLimit" name="trainLimit" type="number" min={100} placeholder="all" defaultValue={5000} {...invalid("training.trainLimit")} />
          <span className="help">A seeded random subset of the training split; empty for all of it. 10% is held out for validation.</span>
          {err("training.trainLimit")}
        </div>
      </div>
      <div className="grid2">
        <div className="field">
          <label htmlFor="batchSize">Batch size</label>
          <input id="batchSize" name="batchSize" type="number" min={8} max={512} defaultValue={64} {...invalid("training.batchSize")} />
          {err("training.batchSize")}
        </div>
        <div className="field">
          <label htmlFor="seed">Seed</label>
          <input id="seed" name="seed" type="number" min={0} defaultValue={42} {...invalid("seed")} />
          <span className="help">Fixes initial weights, the subset and the shuffling.</span>
          {err("seed")}
        </div>
      </div>
      <div className="row">
        <button className="button" type="submit" disabled={submitting}>{submitting ? "Starting…" : "Start run"}</button>
      </div>
    </form>
  );
}
