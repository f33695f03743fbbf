// The OpenAPI 3.1 document of the JSON API, built from lib/openapi/operations.ts with zod 4's own JSON Schema
// output (request schemas as their input type — defaults optional — and responses as their output type).
import { z } from "zod";
import { ErrorCodes } from "../errors";
import { summarize } from "../http/route";
import { ErrorBody } from "../schemas/error";
import { OPERATIONS, type ApiOperation, type ErrorExample } from "./operations";

type JsonSchema = Record<string, unknown>;
type Doc = Record<string, unknown> & { paths: Record<string, Record<string, Record<string, unknown>>> };

function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  // Bodies and queries parse, so their transforms (HxWxC → tuple) are described by their input.
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, target: "draft-2020-12", unrepresentable: "any" }) as JsonSchema;
  return rest;
}

/** Path or query parameters: one per property of the object schema. */
function parameters(schema: z.ZodObject | undefined, where: "path" | "query") {
  if (!schema) return [];
  const { properties = {}, required = [] } = jsonSchema(schema, "input") as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(properties).map(([name, s]) => ({
    name,
    in: where,
    required: where === "path" || required.includes(name),
    ...(typeof s.description === "string" ? { description: s.description } : {}),
    schema: s,
  }));
}

/**
 * The 400 this operation really answers to its `invalid` input (by default an empty body, an empty query or a
 * malformed id), made the way lib/http/route.ts makes it.
 */
function badRequestOf(op: ApiOperation): ErrorExample[] {
  const input = op.invalid ?? (op.body ? { in: "body" as const, value: {} } : op.params ? { in: "params" as const, value: { id: "../etc" } } : op.query ? { in: "query" as const, value: {} } : undefined);
  if (!input) return [];
  const schema = input.in === "body" ? op.body?.schema : op[input.in];
  const result = schema?.safeParse(input.value);
  if (!result || result.success) return [];
  const where = { body: "the body", query: "the query string", params: "the path" }[input.in];
  return [
    {
      code: "bad_request",
      when: `${where} does not validate (here: ${JSON.stringify(input.value)})`,
      message: summarize(result.error),
      issues: result.error.issues.map(({ path, message, code }) => ({ path: path.map((k) => (typeof k === "symbol" ? String(k) : k)), message, code })),
    },
  ];
}

/** The errors every route can answer, then the operation's own. */
export function errorsOf(op: ApiOperation): ErrorExample[] {
  return [
    ...badRequestOf(op),
    ...(op.public ? [] : [{ code: "unauthorized" as const, when: "no session cookie or API token", message: "Sign in first (or send an API token)" }]),
    ...(op.method === "post" ? [{ code: "forbidden" as const, when: "sent from another site (Origin does not match)", message: "Cross-site request refused" }] : []),
    ...(op.body ? [{ code: "unsupported_media_type" as const, when: "the body is not sent as JSON", message: "Send the body as JSON (Content-Type: application/json)" }] : []),
    ...op.errors,
  ];
}

export const errorExampleBody = (e: ErrorExample) => ({ error: { code: e.code, message: e.message, ...(e.issues ? { issues: e.issues } : {}) } });

function responses(op: ApiOperation) {
  const r = op.response;
  const ok =
    r.schema !== undefined
      ? { description: r.description, content: { "application/json": { schema: jsonSchema(r.schema, "output"), example: r.example } } }
      : {
          description: r.description + (r.sse ? ` — events: ${r.sse.map((e) => `\`${e.event}\``).join(", ")}` : ""),
          content: { [r.contentType]: { schema: r.contentType.startsWith("application/json") ? { type: "object" } : { type: "string", ...(r.contentType === "application/octet-stream" ? { contentMediaType: "application/octet-stream" } : {}) } } },
        };
  const out: Record<string, unknown> = { [String(r.status)]: ok };
  const byStatus = new Map<number, ErrorExample[]>();
  for (const e of [...errorsOf(op), { code: "internal" as const, when: "an unexpected failure (logged on the server)", message: "Something went wrong on the server; it has been logged." }]) {
    const status = ErrorCodes[e.code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), e]);
  }
  for (const [status, list] of [...byStatus].sort((a, b) => a[0] - b[0])) {
    out[String(status)] = {
      description: list.map((e) => e.when).join("; "),
      content: { "application/json": { schema: { $ref: "#/components/schemas/Error" }, examples: Object.fromEntries(list.map((e, i) => [`${e.code}${i ? `-${i}` : ""}`, { summary: e.when, value: errorExampleBody(e) }])) } },
    };
  }
  return out;
}

function operation(op: ApiOperation) {
  const params = [...parameters(op.params, "path"), ...parameters(op.query, "query")];
  return {
    operationId: `${op.method}${op.path.replace(/^\/api/, "").replace(/[{}]/g, "").replace(/[^a-zA-Z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? "").toUpperCase())}`,
    tags: [op.tag],
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    ...(op.public ? { security: [] } : {}),
    ...(params.length ? { parameters: params } : {}),
    ...(op.body
      ? { requestBody: { required: true, content: { "application/json": { schema: jsonSchema(op.body.schema, "input"), example: op.body.example } } } }
      : op.rawBody
        ? { requestBody: { required: true, description: op.rawBody.description, content: Object.fromEntries(op.rawBody.contentTypes.map((t) => [t, { schema: t.startsWith("multipart/") ? { type: "object", properties: { file: { type: "string", contentMediaType: "application/octet-stream" } }, required: ["file"] } : { type: "string", contentMediaType: t } }])) } }
        : {}),
    responses: responses(op),
  };
}

let cached: Doc | undefined;

/** The document (built once per process: the schemas do not change while it runs). */
export function openApiDocument(): Doc {
  if (cached) return cached;
  const paths: Doc["paths"] = {};
  for (const op of OPERATIONS) (paths[op.path] ??= {})[op.method] = operation(op);
  cached = {
    openapi: "3.1.0",
    info: {
      title: "Compression Lab API",
      version: "1",
      description:
        "Launch, watch, compare and download model-compression experiments. Every error is `{ error: { code, message, issues? } }`. Scripts authenticate with `Authorization: Bearer <token>` (LAB_API_TOKENS); the `lab` command-line client (bin/lab.mjs) wraps this API.",
    },
    servers: [{ url: "/" }],
    security: [{ bearerToken: [] }, { sessionCookie: [] }],
    tags: [...new Set(OPERATIONS.map((o) => o.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearerToken: { type: "http", scheme: "bearer", description: "one of LAB_API_TOKENS" },
        sessionCookie: { type: "apiKey", in: "cookie", name: "lab_session", description: "set by POST /api/auth/login" },
      },
      schemas: { Error: jsonSchema(ErrorBody, "output") },
    },
  };
  return cached;
}
