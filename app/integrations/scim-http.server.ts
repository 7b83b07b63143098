import { publicOrigin } from "~/env.server";
import { withToken, type ApiContext } from "./api-http.server";
import { ScimError, scimErrorBody, SCIM_TYPE } from "./scim.server";

// The HTTP side of /scim/v2: the same bearer tokens (scope `scim`), rate limits and headers as
// the REST API, with errors in SCIM's own format (RFC 7644 §3.12) and application/scim+json.

export function scimJson(body: unknown, status = 200, headers: HeadersInit = {}): Response {
  const h = new Headers(headers);
  h.set("Content-Type", SCIM_TYPE);
  const version = (body as { meta?: { version?: string } } | null)?.meta?.version;
  if (version) h.set("ETag", version);
  return new Response(status === 204 ? null : JSON.stringify(body), { status, headers: h });
}

const scimError = (status: number, detail: string, headers: HeadersInit = {}, scimType?: string) => scimJson(scimErrorBody(status, detail, scimType), status, headers);

function errorOf(e: unknown): Response {
  if (e instanceof ScimError) return scimError(e.status, e.detail, {}, e.scimType);
  if (e instanceof Response) return scimError(e.status, e.statusText || "Error");
  throw e;
}

/** The base URL resources' `meta.location` is built on. */
export const scimBase = () => `${publicOrigin()}/scim/v2`;

/** Runs one SCIM call for the token's organisation; its owner (the admin who made it) is the audited actor. */
export function withScim(request: Request, fn: (actor: { orgId: string; actorId: string }, ctx: ApiContext) => Promise<Response>) {
  return withToken(request, "scim", (ctx) => fn({ orgId: ctx.principal.orgId, actorId: ctx.principal.ownerId }, ctx), {
    deny: (status, detail, headers) => scimError(status, detail, headers),
    error: errorOf,
  });
}

/** A JSON body (application/scim+json or application/json); anything else is a SCIM 400. */
export async function scimBody(request: Request): Promise<Record<string, unknown>> {
  const type = request.headers.get("Content-Type") ?? "";
  if (!/^application\/(scim\+)?json\b/i.test(type)) throw new ScimError(400, "Send application/scim+json.", "invalidSyntax");
  try {
    const v = await request.json();
    if (!v || typeof v !== "object" || Array.isArray(v)) throw new Error("not an object");
    return v as Record<string, unknown>;
  } catch {
    throw new ScimError(400, "The body is not a JSON object.", "invalidSyntax");
  }
}

/** GET with If-None-Match of the current version: 304, nothing sent. */
export function notModified(request: Request, resource: { meta?: { version?: string } }) {
  const inm = request.headers.get("If-None-Match");
  return !!inm && !!resource.meta?.version && inm.split(",").map((s) => s.trim()).includes(resource.meta.version);
}
