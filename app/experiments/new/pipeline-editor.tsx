"use client";
// The pipeline, stage by stage: add, remove, move up/down, choose the technique, edit its parameters (fields
// generated from the technique's zod schema, with defaults and help) and, where the schema allows, the stage
// it starts from. Every control is a labelled native input, so the editor works from the keyboard alone.
import type { DraftStage } from "@/lib/dashboard/presets";
import { coerceField, getPath, setPath, type ParamField, type TechniqueInfo } from "@/lib/dashboard/technique-fields";

interface Props {
  stages: DraftStage[];
  techniques: TechniqueInfo[];
  errors: Record<string, string>;
  onChange: (stages: DraftStage[]) => void;
}

export function PipelineEditor({ stages, techniques, errors, onChange }: Props) {
  const info = (name: string) => techniques.find((t) => t.name === name);
  const update = (i: number, next: DraftStage) => onChange(stages.map((s, j) => (j === i ? next : s)));
  const move = (i: number, by: number) => {
    const j = i + by;
    if (j < 0 || j >= stages.length) return;
    const next = [...stages];
    [next[i], next[j]] = [next[j], next[i]];
    onChange(next);
  };
  const addable = techniques.filter((t) => t.name !== "baseline");
  const add = () => {
    const t = addable[0] ?? techniques[0];
    if (t) onChange([...stages, { technique: t.name, params: structuredClone(t.defaults) }]);
  };

  return (
    <div style={{ display: "grid", gap: 10 }}>
      {errors["pipeline"] ? <span className="error" role="alert" id="pipeline-error">{errors["pipeline"]}</span> : null}
      {stages.map((stage, i) => {
        const t = info(stage.technique);
        const id = (k: string) => `stage-${i}-${k}`;
        return (
          <div className="stage-editor" key={i} data-testid={`stage-${i}`} role="group" aria-label={`Stage ${i}: ${stage.technique}`}>
            <div className="stage-head">
              <span className="title">Stage {i}</span>
              <div className="field" style={{ minWidth: 160 }}>
                <label htmlFor={id("technique")} className="sr-only">Technique of stage {i}</label>
                <select id={id("technique")} value={stage.technique} onChange={(e) => {
                  const nt = info(e.target.value);
                  update(i, { technique: e.target.value, params: structuredClone(nt?.defaults ?? {}), ...(stage.from != null && nt?.acceptsFrom ? { from: stage.from } : {}) });
                }}>
                  {techniques.map((x) => <option key={x.name} value={x.name}>{x.label === x.name ? x.name : `${x.label} (${x.name})`}</option>)}
                </select>
              </div>
              {t?.acceptsFrom && i > 0 ? (
                <div className="field" style={{ gridTemplateColumns: "auto 120px", alignItems: "center", display: "grid", gap: 6 }}>
                  <label htmlFor={id("from")} style={{ fontWeight: 400 }}>From stage</label>
                  <select id={id("from")} value={stage.from ?? ""} onChange={(e) => update(i, { ...stage, from: e.target.value === "" ? undefined : Number(e.target.value) })}>
                    <option value="">previous</option>
                    {stages.slice(0, i).map((_, k) => <option key={k} value={k}>{k}</option>)}
                  </select>
                </div>
              ) : null}
              <span className="spacer" />
              <button type="button" className="button secondary small" onClick={() => move(i, -1)} disabled={i === 0} aria-label={`Move stage ${i} up`}>↑</button>
              <button type="button" className="button secondary small" onClick={() => move(i, 1)} disabled={i === stages.length - 1} aria-label={`Move stage ${i} down`}>↓</button>
              <button type="button" className="button danger small" onClick={() => onChange(stages.filter((_, j) => j !== i))} disabled={stages.length === 1} aria-label={`Remove stage ${i}`}>Remove</button>
            </div>
            {errors[`pipeline.${i}`] ? <span className="error" role="alert">{errors[`pipeline.${i}`]}</span> : null}
            {errors[`pipeline.${i}.technique`] ? <span className="error" role="alert">{errors[`pipeline.${i}.technique`]}</span> : null}
            {errors[`pipeline.${i}.from`] ? <span className="error" role="alert">{errors[`pipeline.${i}.from`]}</span> : null}
            {t && t.fields.length ? (
              <div className="param-grid">
                {t.fields.map((f) => (
                  <ParamInput key={f.key} id={id(f.key.replace(/\./g, "-"))} field={f} value={getPath(stage.params, f.key)} error={errors[`pipeline.${i}.params.${f.key}`]}
                    onChange={(v) => update(i, { ...stage, params: setPath(stage.params, f.key, v) })} />
                ))}
              </div>
            ) : <span className="muted small">{stage.technique === "baseline" ? "Trains the architecture chosen above (or loads it): the model every later stage is measured against." : "No parameters."}</span>}
            {errors[`pipeline.${i}.params`] ? <span className="error" role="alert">{errors[`pipeline.${i}.params`]}</span> : null}
          </div>
        );
      })}
      <div className="row">
        <button type="button" className="button secondary" onClick={add} disabled={stages.length >= 12 || addable.length === 0} data-testid="add-stage">+ Add stage</button>
        {addable.length === 0 ? <span className="muted small">Only the baseline technique is available in this build; compression techniques appear here when they are registered.</span> : null}
      </div>
    </div>
  );
}

function ParamInput({ id, field, value, error, onChange }: { id: string; field: ParamField; value: unknown; error?: string; onChange: (v: unknown) => void }) {
  const helpId = `${id}-help`;
  const errId = `${id}-error`;
  const describedBy = [field.help || field.default !== undefined ? helpId : null, error ? errId : null].filter(Boolean).join(" ") || undefined;
  const common = { id, "aria-invalid": Boolean(error), "aria-describedby": describedBy };
  const range = [field.min != null ? `${field.exclusiveMin ? ">" : "≥"} ${field.min}` : null, field.max != null ? `${field.exclusiveMax ? "<" : "≤"} ${field.max}` : null].filter(Boolean).join(", ");
  const helpText = [field.help, field.default !== undefined ? `default ${JSON.stringify(field.default)}` : null, range || null].filter(Boolean).join(" · ");
  let input;
  if (field.kind === "boolean") {
    input = <label className="checkbox" htmlFor={id}><input type="checkbox" {...common} checked={Boolean(value)} onChange={(e) => onChange(e.target.checked)} /> {field.label}</label>;
  } else if (field.kind === "enum") {
    input = (
      <select {...common} value={value == null ? "" : String(value)} onChange={(e) => onChange(coerceField(field, e.target.value))}>
        {field.required || field.default !== undefined ? null : <option value="">—</option>}
        {field.options?.map((o) => <option key={String(o)} value={String(o)}>{String(o)}</option>)}
      </select>
    );
  } else if (field.kind === "json") {
    input = <textarea {...common} rows={2} className="mono" defaultValue={value === undefined ? "" : JSON.stringify(value)} onBlur={(e) => onChange(coerceField(field, e.target.value))} />;
  } else {
    const numeric = field.kind === "number" || field.kind === "integer";
    input = (
      <input {...common} type={numeric ? "number" : "text"} inputMode={numeric ? "decimal" : undefined} min={field.min} max={field.max} step={field.kind === "integer" ? 1 : "any"}
        value={value == null ? "" : String(value)} placeholder={field.default !== undefined ? String(field.default) : undefined}
        onChange={(e) => onChange(coerceField(field, e.target.value))} />
    );
  }
  return (
    <div className="field">
      {field.kind === "boolean" ? null : <label htmlFor={id}>{field.label}</label>}
      {input}
      {helpText ? <span className="help" id={helpId}>{helpText}</span> : null}
      {error ? <span className="error" id={errId} role="alert">{error}</span> : null}
    </div>
  );
}
