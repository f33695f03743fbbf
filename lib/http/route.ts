// The one wrapper every route handler goes through: it reads and validates the body, query and path
// parameters with zod, calls the operation, and maps every error to `{ error: { code, message, issues? } }`.
import { z } from "zod";
import { refusedHost, refusedHostMessage } from "../auth/allowed-host";
import { authenticate, isCrossSite } from "../auth/session";
import { AppError } from "../errors";

const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

interface RouteSpec<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType> {
  body?: B;
  query?: Q;
  params?: P;
  status?: number;
  maxBodyBytes?: number;
  /** Reachable without a session (only the login route). */
  public?: boolean;
}

interface RouteInput<B, Q, P> {
  body: B;
  query: Q;
  params: P;
  request: Request;
}

type Handler<B, Q, P> = (input: RouteInput<B, Q, P>) => Promise<unknown>;
type RouteContext = { params: Promise<Record<string, string | string[]>> };

export function errorResponse(error: unknown): Response {
  if (error instanceof z.ZodError) {
    return json({ error: { code: "bad_request", message: summarize(error), issues: error.issues.map(({ path, message, code }) => ({ path, message, code })) } }, 400);
  }
  if (error instanceof AppError) {
    return json({ error: { code: error.code, message: error.message, ...(error.issues ? { issues: error.issues } : {}) } }, error.status);
  }
  if (prismaCode(error) === "P2025") return json({ error: { code: "not_found", message: "Not found" } }, 404);
  // A unique constraint lost to a concurrent request (two uploads of one name): the loser is told, not a 500.
  if (prismaCode(error) === "P2002") return json({ error: { code: "conflict", message: "That name is already taken; choose another" } }, 409);
  console.error("[route] unexpected error:", error);
  return json({ error: { code: "internal", message: "Something went wrong on the server; it has been logged." } }, 500);
}

/** "Invalid request — path: message (and N more)": the message of a 400 (the API reference shows real ones). */
export function summarize(error: z.ZodError): string {
  const first = error.issues[0];
  const where = first?.path.length ? `${first.path.join(".")}: ` : "";
  return `Invalid request — ${where}${first?.message ?? "invalid"}${error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : ""}`;
}

function prismaCode(error: unknown): string | undefined {
  return typeof error === "object" && error !== null ? (error as { code?: string }).code : undefined;
}

export function json(body: unknown, status = 200, headers?: HeadersInit): Response {
  return Response.json(body, { status, headers });
}

async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  if (!type.toLowerCase().startsWith("application/json")) {
    throw new AppError("unsupported_media_type", "Send the body as JSON (Content-Type: application/json)");
  }
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw new AppError("payload_too_large", `Body larger than ${maxBytes} bytes`);
  const reader = request.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new AppError("payload_too_large", `Body larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("bad_request", "The body is not valid JSON");
  }
}

/**
 * Every route checks the session itself, besides proxy.ts, so that a request that reaches a handler some other
 * way is still refused; and refuses state changes sent from another site and requests naming a Host we do not
 * serve (DNS rebinding, lib/auth/allowed-host.ts).
 */
export function guard(request: Request, isPublic = false): void {
  if (isCrossSite(request.method, request.headers, request.url)) throw new AppError("forbidden", "Cross-site request refused");
  const host = refusedHost(request.headers);
  if (host !== null) throw new AppError("misdirected", refusedHostMessage(host));
  if (!isPublic && !authenticate(request.headers).ok) throw new AppError("unauthorized", "Sign in first (or send an API token)");
}

export function route<B extends z.ZodType = z.ZodUnknown, Q extends z.ZodType = z.ZodUnknown, P extends z.ZodType = z.ZodUnknown>(
  spec: RouteSpec<B, Q, P>,
  handler: Handler<z.infer<B>, z.infer<Q>, z.infer<P>>,
) {
  return async (request: Request, context?: RouteContext): Promise<Response> => {
    try {
      guard(request, spec.public ?? false);
      const params = spec.params ? spec.params.parse((await context?.params) ?? {}) : undefined;
      const query = spec.query ? spec.query.parse(Object.fromEntries(new URL(request.url).searchParams)) : undefined;
      const body = spec.body ? spec.body.parse(await readJsonBody(request, spec.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES)) : undefined;
      const result = await handler({ body, query, params, request } as RouteInput<z.infer<B>, z.infer<Q>, z.infer<P>>);
      if (result instanceof Response) return result;
      return json(result, spec.status ?? 200);
    } catch (error) {
      return errorResponse(error);
    }
  };
}
