// Short, readable summaries of the JSON Schemas in the OpenAPI document, for the reference page's tables:
// "integer 1–100, default 1", "one of adam | adamw | sgd". Pure functions of the schema; no React.
type Schema = Record<string, unknown>;

export interface FieldRow {
  name: string;
  type: string;
  required: boolean;
  notes: string;
}

const list = (values: unknown[]) => values.map((v) => JSON.stringify(v)).join(" | ");

/** The type of a schema in a few words. */
export function typeOf(s: Schema): string {
  if (Array.isArray(s.enum)) return `one of ${list(s.enum)}`;
  if ("const" in s) return JSON.stringify(s.const);
  const variants = (s.oneOf ?? s.anyOf) as Schema[] | undefined;
  if (variants) {
    const nonNull = variants.filter((v) => v.type !== "null");
    const base = nonNull.map(typeOf).join(" or ");
    return nonNull.length < variants.length ? `${base} or null` : base;
  }
  if (s.type === "array") {
    if (Array.isArray(s.prefixItems)) return `[${(s.prefixItems as Schema[]).map(typeOf).join(", ")}]`;
    return s.items ? `array of ${typeOf(s.items as Schema)}` : "array";
  }
  if (s.type === "object") {
    const props = Object.keys((s.properties as Schema | undefined) ?? {});
    return props.length ? `object { ${props.join(", ")} }` : "object";
  }
  if (typeof s.type === "string") return s.type;
  return "any";
}

/** Limits, pattern, default and description of a schema. */
export function notesOf(s: Schema): string {
  const notes: string[] = [];
  const min = s.minimum ?? s.exclusiveMinimum;
  const max = s.maximum ?? s.exclusiveMaximum;
  const big = (n: unknown) => typeof n === "number" && Math.abs(n) >= Number.MAX_SAFE_INTEGER;
  if ((min !== undefined && !big(min)) || (max !== undefined && !big(max))) {
    notes.push(`${min !== undefined && !big(min) ? `${"exclusiveMinimum" in s ? ">" : "≥"} ${min}` : ""}${min !== undefined && max !== undefined && !big(min) && !big(max) ? ", " : ""}${max !== undefined && !big(max) ? `${"exclusiveMaximum" in s ? "<" : "≤"} ${max}` : ""}`);
  }
  if (s.minLength !== undefined || s.maxLength !== undefined) notes.push(`${s.minLength ?? 0}–${s.maxLength ?? "∞"} characters`);
  if ((s.minItems !== undefined || s.maxItems !== undefined) && !Array.isArray(s.prefixItems)) notes.push(`${s.minItems ?? 0}–${s.maxItems ?? "∞"} items`);
  if (typeof s.pattern === "string") notes.push(`pattern ${s.pattern}`);
  if ("default" in s) notes.push(`default ${JSON.stringify(s.default)}`);
  if (typeof s.description === "string") notes.push(s.description);
  return notes.join("; ");
}

/** One row per top-level property of an object schema. */
export function fieldsOf(s: Schema): FieldRow[] {
  const properties = (s.properties as Record<string, Schema> | undefined) ?? {};
  const required = (s.required as string[] | undefined) ?? [];
  return Object.entries(properties).map(([name, p]) => ({ name, type: typeOf(p), required: required.includes(name), notes: notesOf(p) }));
}
