import { sql } from "drizzle-orm";
import { z } from "zod";
import { getDb, query } from "~/db/client.server";
import { env } from "~/env.server";
import { InputError } from "~/content/posts.server";
import { QaStateError } from "~/qa/questions.server";
import { now } from "~/utils/clock.server";
import { readBearer, resolveToken, type TokenPrincipal, type TokenScope } from "./tokens.server";

// The HTTP side of /api/v1 and /scim/v2: bearer authentication, scopes, rate limits with the
// standard headers (RateLimit-*, Retry-After), and errors as RFC 9457 problem details.

export const PROBLEM_TYPE = "application/problem+json";

export type Problem = { status: number; title: string; detail?: string; errors?: { path: string; message: string }[] };

export function problem(p: Problem, headers: HeadersInit = {}): Response {
  const h = new Headers(headers);
  h.set("Content-Type", PROBLEM_TYPE);
  h.set("Cache-Control", "no-store");
  return new Response(JSON.stringify({ type: "about:blank", ...p }), { status: p.status, headers: h });
}

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  415: "Unsupported Media Type",
  429: "Too Many Requests",
};

export const problemOf = (status: number, detail?: string) => problem({ status, title: TITLES[status] ?? "Error", detail });

/** A zod failure as a 400 problem listing each bad field. */
export function invalid(error: z.ZodError): Response {
  return problem({
    status: 400,
    title: "Bad Request",
    detail: "The request does not match the schema.",
    errors: error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
  });
}

/** Parses a JSON body against a schema; a body that is not JSON, or not the schema, is a 400 problem. */
export async function readJsonBody<S extends z.ZodTypeAny>(request: Request, schema: S): Promise<z.infer<S>> {
  const type = request.headers.get("Content-Type") ?? "";
  if (!/^application\/(.+\+)?json\b/i.test(type)) throw problemOf(415, "Send the body as application/json.");
  let raw: unknown;
  try {
    raw = await request.json();
  } catch {
    throw problemOf(400, "The body is not valid JSON.");
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw invalid(parsed.error);
  return parsed.data;
}

/** Parses the query string against a schema (repeated keys become lists); failure is a 400 problem. */
export function readQuery<S extends z.ZodTypeAny>(request: Request, schema: S): z.infer<S> {
  const params = new URL(request.url).searchParams;
  const obj: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key);
    obj[key] = all.length > 1 ? all : all[0];
  }
  const parsed = schema.safeParse(obj);
  if (!parsed.success) throw invalid(parsed.error);
  return parsed.data;
}

type Window = { limit: number; count: number; remaining: number; resetSeconds: number };

/** A fixed window per token in Postgres (shared by every instance); returns the window's state after this hit. */
async function hit(key: string, limit: number, windowMs: number): Promise<Window> {
  const db = await getDb();
  const t = now();
  const floor = new Date(t.getTime() - windowMs).toISOString();
  const [row] = await query<{ count: number; window_start: string | Date }>(
    db,
    sql`insert into rate_limits (key, window_start, count) values (${key}, ${t.toISOString()}::timestamptz, 1)
        on conflict (key) do update set
          window_start = case when rate_limits.window_start <= ${floor}::timestamptz then ${t.toISOString()}::timestamptz else rate_limits.window_start end,
          count = case when rate_limits.window_start <= ${floor}::timestamptz then 1 else rate_limits.count + 1 end
        returning count, window_start`,
  );
  const count = Number(row.count);
  const resetAt = new Date(row.window_start).getTime() + windowMs;
  return { limit, count, remaining: Math.max(0, limit - count), resetSeconds: Math.max(1, Math.ceil((resetAt - t.getTime()) / 1000)) };
}

function rateHeaders(w: Window, windowSeconds: number): Record<string, string> {
  return {
    "RateLimit-Limit": String(w.limit),
    "RateLimit-Remaining": String(w.remaining),
    "RateLimit-Reset": String(w.resetSeconds),
    "RateLimit-Policy": `${w.limit};w=${windowSeconds}`,
  };
}

export type ApiContext = { principal: TokenPrincipal };

const PROBLEMS = {
  deny: (status: number, detail: string, headers: HeadersInit) => problem({ status, title: TITLES[status] ?? "Error", detail }, headers),
  error: (e: unknown) => toProblem(e),
};

/** Turns what domain code throws into problem details: its 404/403 Responses, input and state errors. */
export function toProblem(e: unknown): Response {
  if (e instanceof Response) {
    if ((e.headers.get("Content-Type") ?? "").startsWith(PROBLEM_TYPE)) return e;
    if (e.status >= 300 && e.status < 400) return problemOf(404);
    return problemOf(e.status);
  }
  if (e instanceof z.ZodError) return invalid(e);
  if (e instanceof InputError) return problem({ status: 400, title: "Bad Request", detail: `Invalid ${e.field}: ${e.message}.`, errors: [{ path: e.field, message: e.message }] });
  if (e instanceof QaStateError) return problem({ status: 409, title: "Conflict", detail: e.code });
  throw e;
}

/**
 * Runs one API call: the bearer token (401 without a valid one), the scope (403), the token's rate
 * limit (429 with Retry-After), then `fn` as the token's viewer. Every response carries RateLimit-*.
 */
export async function withToken(
  request: Request,
  scope: TokenScope,
  fn: (ctx: ApiContext) => Promise<Response>,
  // SCIM answers its own error format; the REST API answers problem details
  format: { deny: (status: number, detail: string, headers: HeadersInit) => Response; error: (e: unknown) => Response } = PROBLEMS,
): Promise<Response> {
  const token = readBearer(request);
  const principal = token ? await resolveToken(token) : null;
  if (!principal) return format.deny(401, "A valid bearer token is required.", { "WWW-Authenticate": 'Bearer realm="atrium"' });
  const granted = principal.scopes;
  // write implies read; admin implies both; scim is its own world
  const ok = scope === "scim" ? granted.has("scim") : granted.has(scope) || granted.has("admin") || (scope === "read" && granted.has("write"));
  if (!ok) return format.deny(403, `This token lacks the "${scope}" scope.`, { "WWW-Authenticate": `Bearer error="insufficient_scope", scope="${scope}"` });
  const e = env();
  const w = await hit(`api:${principal.tokenId}`, e.API_RATE_LIMIT_PER_MINUTE, 60_000);
  const headers = rateHeaders(w, 60);
  // the hit that uses the last unit is served; only later ones are refused
  if (w.count > w.limit) {
    return format.deny(429, "Rate limit exceeded.", { ...headers, "Retry-After": String(w.resetSeconds) });
  }
  let res: Response;
  try {
    res = await fn({ principal });
  } catch (err) {
    res = format.error(err);
  }
  for (const [k, v] of Object.entries(headers)) res.headers.set(k, v);
  if (!res.headers.has("Cache-Control")) res.headers.set("Cache-Control", "no-store");
  return res;
}

export const jsonOk = (data: unknown, status = 200, headers: HeadersInit = {}) =>
  new Response(JSON.stringify(data), { status, headers: { "Content-Type": "application/json; charset=utf-8", ...Object.fromEntries(new Headers(headers)) } });

/** The `id` path parameter; anything that cannot be an id does not exist (404). */
export function idOf(params: Record<string, string | undefined>): string {
  const id = params.id ?? "";
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) throw problemOf(404);
  return id;
}

/** Only POST writes here; other methods are 405 with the allowed list. */
export function requirePost(request: Request) {
  if (request.method !== "POST") throw problem({ status: 405, title: "Method Not Allowed" }, { Allow: "GET, POST" });
}
