// The pipeline editor is built from the zod schemas themselves: each technique's params schema becomes a
// list of fields via zod 4's JSON Schema export (type, default, min/max, enum, description as help). A new
// technique added to PipelineStage shows up in the form with no form code written for it.
import { z } from "zod";
import { descriptorOf } from "../compress/catalog";
import { PipelineStage } from "../schemas/pipeline";

export type FieldKind = "number" | "integer" | "boolean" | "enum" | "string" | "json";

export interface ParamField {
  key: string;
  label: string;
  kind: FieldKind;
  required: boolean;
  default?: unknown;
  min?: number;
  max?: number;
  exclusiveMin?: boolean;
  exclusiveMax?: boolean;
  options?: (string | number)[];
  help?: string;
}

export interface TechniqueInfo {
  name: string;
  /** What the form calls it: the technique descriptor's label (lib/compress/catalog.ts). */
  label: string;
  fields: ParamField[];
  /** the stage schema accepts `from` (branching from an earlier stage) */
  acceptsFrom: boolean;
  defaults: Record<string, unknown>;
}

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
};

const SAFE = Number.MAX_SAFE_INTEGER;
const humanize = (key: string) => key.replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/[_-]+/g, " ").replace(/^./, (c) => c.toUpperCase());

export function fieldsOf(schema: z.ZodType): ParamField[] {
  return fieldsOfJson(z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema);
}

/** Fields of an object schema; a nested object (a pruning schedule, say) becomes dotted fields, one level deep. */
function fieldsOfJson(json: JsonSchema, prefix = "", labelPrefix = ""): ParamField[] {
  const required = new Set(json.required ?? []);
  return Object.entries(json.properties ?? {}).flatMap(([key, p]): ParamField[] => {
    if (!prefix && p.type === "object" && p.properties && Object.keys(p.properties).length) {
      return fieldsOfJson(p, `${key}.`, `${humanize(key)} · `);
    }
    return [fieldOf(prefix + key, labelPrefix + humanize(key), p, required.has(key))];
  });
}

function fieldOf(key: string, label: string, p: JsonSchema, isRequired: boolean): ParamField {
  {
    // `x.optional()`/`.nullable()` may come out as anyOf [T, null]: take the non-null branch.
    const prop = p.anyOf?.length === 2 && p.anyOf.some((b) => b.type === "null") ? { ...p.anyOf.find((b) => b.type !== "null"), description: p.description, default: p.default } : p;
    const type = Array.isArray(prop.type) ? prop.type.find((t) => t !== "null") : prop.type;
    const enumValues = prop.enum ?? (prop.anyOf ?? prop.oneOf)?.every((b) => b.const !== undefined) ? (prop.enum ?? (prop.anyOf ?? prop.oneOf)!.map((b) => b.const)) : undefined;
    const kind: FieldKind = enumValues ? "enum" : type === "number" ? "number" : type === "integer" ? "integer" : type === "boolean" ? "boolean" : type === "string" ? "string" : "json";
    const min = prop.minimum ?? prop.exclusiveMinimum;
    const max = prop.maximum ?? prop.exclusiveMaximum;
    return {
      key,
      label,
      kind,
      required: isRequired && prop.default === undefined,
      default: prop.default,
      min: min != null && Math.abs(min) < SAFE ? min : undefined,
      max: max != null && Math.abs(max) < SAFE ? max : undefined,
      exclusiveMin: prop.exclusiveMinimum != null,
      exclusiveMax: prop.exclusiveMaximum != null,
      options: enumValues as (string | number)[] | undefined,
      help: prop.description,
    };
  }
}

/** The value at a dotted key ("schedule.finalSparsity") of a params object. */
export function getPath(obj: Record<string, unknown>, key: string): unknown {
  return key.split(".").reduce<unknown>((o, k) => (o != null && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), obj);
}

/** A copy of `obj` with the dotted key set (or removed when `value` is undefined). */
export function setPath(obj: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const [head, ...rest] = key.split(".");
  const out = { ...obj };
  if (rest.length === 0) {
    if (value === undefined) delete out[head];
    else out[head] = value;
    return out;
  }
  const child = out[head] != null && typeof out[head] === "object" ? (out[head] as Record<string, unknown>) : {};
  out[head] = setPath(child, rest.join("."), value);
  return out;
}

type ObjectLike = { shape: Record<string, z.ZodType> };
const unwrap = (s: z.ZodType): z.ZodType => {
  let cur = s as z.ZodType & { def?: { innerType?: z.ZodType; in?: z.ZodType } };
  for (let i = 0; i < 8 && cur.def && (cur.def.innerType || cur.def.in); i++) cur = (cur.def.innerType ?? cur.def.in) as typeof cur;
  return cur;
};

/** The techniques PipelineStage accepts, in its order, with their parameter fields. */
export function techniquesOf(stage: z.ZodType = PipelineStage): TechniqueInfo[] {
  const options = ((unwrap(stage) as unknown as { options?: z.ZodType[] }).options ?? [stage]).map(unwrap);
  const out: TechniqueInfo[] = [];
  for (const option of options) {
    const shape = (option as unknown as ObjectLike).shape;
    if (!shape?.technique) continue;
    const literal = z.toJSONSchema(shape.technique, { io: "input", unrepresentable: "any" }) as JsonSchema;
    const name = (literal.const ?? literal.enum?.[0]) as string | undefined;
    if (typeof name !== "string") continue;
    const params = shape.params ?? z.object({});
    const parsedDefaults = params.safeParse(undefined).success ? params.safeParse(undefined).data : params.safeParse({}).data;
    out.push({ name, label: descriptorOf(name)?.label ?? humanize(name), fields: fieldsOf(unwrap(params)), acceptsFrom: "from" in shape, defaults: (parsedDefaults ?? {}) as Record<string, unknown> });
  }
  return out;
}

/** A form value from text input for a field (undefined = leave the schema's default). */
export function coerceField(field: ParamField, raw: string | boolean): unknown {
  if (field.kind === "boolean") return Boolean(raw);
  const text = String(raw).trim();
  if (text === "") return undefined;
  if (field.kind === "number" || field.kind === "integer") return Number(text);
  if (field.kind === "enum") return field.options?.find((o) => String(o) === text) ?? text;
  if (field.kind === "json") {
    try {
      return JSON.parse(text);
    } catch {
      return text; // zod reports it next to the field
    }
  }
  return text;
}
