// The API reference: every operation of the OpenAPI document (/api/openapi.json, generated from the zod
// schemas the routes validate with) — its parameters, body, answer and errors, with examples.
import type { Metadata } from "next";
import { fieldsOf, notesOf, typeOf, type FieldRow } from "@/lib/openapi/describe-schema";
import { openApiDocument } from "@/lib/openapi/document";
import styles from "./reference.module.css";

export const metadata: Metadata = { title: "API reference · Compression Lab" };

type Schema = Record<string, unknown>;
interface Parameter { name: string; in: string; required: boolean; description?: string; schema: Schema }
interface Media { schema?: Schema; example?: unknown; examples?: Record<string, { summary: string; value: unknown }> }
interface Operation {
  operationId: string;
  tags: string[];
  summary: string;
  description?: string;
  security?: unknown[];
  parameters?: Parameter[];
  requestBody?: { description?: string; content: Record<string, Media> };
  responses: Record<string, { description: string; content?: Record<string, Media> }>;
}

const json = (value: unknown) => JSON.stringify(value, null, 2);

function Fields({ rows, first = "field" }: { rows: (FieldRow & { where?: string })[]; first?: string }) {
  return (
    <table className="data">
      <thead>
        <tr><th>{first}</th><th>type</th><th>required</th><th>notes</th></tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={`${r.where ?? ""}${r.name}`}>
            <td><code>{r.name}</code>{r.where ? <span className="muted"> ({r.where})</span> : null}</td>
            <td>{r.type}</td>
            <td>{r.required ? "yes" : "no"}</td>
            <td>{r.notes}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function OperationView({ method, path, op }: { method: string; path: string; op: Operation }) {
  const ok = Object.entries(op.responses).filter(([status]) => status.startsWith("2"));
  const errors = Object.entries(op.responses).filter(([status]) => !status.startsWith("2"));
  const body = op.requestBody;
  const jsonBody = body?.content["application/json"];
  return (
    <section id={op.operationId} className={`panel ${styles.op}`}>
      <h3>
        <span className={`${styles.method} ${styles[method] ?? ""}`}>{method.toUpperCase()}</span>
        <code>{path}</code>
        <span>{op.summary}</span>
      </h3>
      {op.description ? <p>{op.description}</p> : null}
      <p className="muted">{op.security?.length === 0 ? "No session needed." : "Needs a session cookie or Authorization: Bearer <token>."}</p>

      {op.parameters?.length ? (
        <>
          <h4>Parameters</h4>
          <Fields first="parameter" rows={op.parameters.map((p) => ({ name: p.name, where: p.in, type: typeOf(p.schema), required: p.required, notes: notesOf(p.schema) }))} />
        </>
      ) : null}

      {jsonBody?.schema ? (
        <>
          <h4>Body (application/json)</h4>
          <Fields rows={fieldsOf(jsonBody.schema)} />
          <pre>{json(jsonBody.example)}</pre>
          <details>
            <summary>JSON Schema of the body</summary>
            <pre>{json(jsonBody.schema)}</pre>
          </details>
        </>
      ) : body ? (
        <>
          <h4>Body</h4>
          <p>{body.description} — {Object.keys(body.content).join(", ")}</p>
        </>
      ) : null}

      {ok.map(([status, r]) => {
        const media = r.content?.["application/json"];
        return (
          <div key={status}>
            <h4>{status} — {r.description}</h4>
            {media?.example !== undefined ? (
              <details>
                <summary>example answer</summary>
                <pre>{json(media.example)}</pre>
              </details>
            ) : r.content ? (
              <p className="muted">{Object.keys(r.content).join(", ")}</p>
            ) : null}
          </div>
        );
      })}

      <h4>Errors</h4>
      <table className="data">
        <thead>
          <tr><th>status</th><th>code</th><th>when</th><th>example</th></tr>
        </thead>
        <tbody>
          {errors.flatMap(([status, r]) =>
            Object.entries(r.content?.["application/json"]?.examples ?? {}).map(([name, e]) => (
              <tr key={`${status}-${name}`}>
                <td>{status}</td>
                <td><code>{(e.value as { error: { code: string } }).error.code}</code></td>
                <td>{e.summary}</td>
                <td><code>{JSON.stringify(e.value)}</code></td>
              </tr>
            )),
          )}
        </tbody>
      </table>
    </section>
  );
}

export default function ApiReferencePage() {
  const doc = openApiDocument();
  const operations = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op: op as unknown as Operation })));
  const tags = [...new Set(operations.map((o) => o.op.tags[0]))];
  return (
    <>
      <h1>API reference</h1>
      <p>
        Every route of the lab&apos;s JSON API, generated from the schemas the routes validate with. The same, as OpenAPI 3.1: <a href="/api/openapi.json">/api/openapi.json</a>.
        Scripts send <code>Authorization: Bearer &lt;token&gt;</code> (a token from <code>LAB_API_TOKENS</code>); the <code>lab</code> command-line client (<code>bin/lab.mjs</code>) wraps these
        routes. Every error is <code>{"{ error: { code, message, issues? } }"}</code>; invalid input is a 400 whose <code>issues</code> name each field.
      </p>
      <ul className={styles.toc}>
        {operations.map(({ path, method, op }) => (
          <li key={op.operationId}>
            <a href={`#${op.operationId}`}><code>{method.toUpperCase()} {path}</code></a> <span className="muted">{op.summary}</span>
          </li>
        ))}
      </ul>
      {tags.map((tag) => (
        <div key={tag}>
          <h2>{tag}</h2>
          {operations.filter((o) => o.op.tags[0] === tag).map((o) => <OperationView key={o.op.operationId} {...o} />)}
        </div>
      ))}
    </>
  );
}
