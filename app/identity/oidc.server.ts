import * as client from "openid-client";
import { eq, sql } from "drizzle-orm";
import { runCommand } from "~/compliance/command.server";
import { getDb } from "~/db/client.server";
import { orgs, users } from "~/db/schema";
import { env, publicOrigin } from "~/env.server";
import { sign, verify } from "~/platform/secret.server";
import { now } from "~/utils/clock.server";
import { safeRedirect } from "~/utils/safe-redirect";
import { createUser } from "./accounts.server";
import { createSession } from "./session.server";
import { oidcEnabled } from "./sso-settings.server";

export { oidcEnabled };

// OpenID Connect sign-in with openid-client (certified): discovery, authorization code + PKCE (S256),
// state and nonce, ID-token validation (signature, issuer, audience, expiry, nonce) by the library.
// The state, nonce and verifier travel in a short-lived signed cookie; the session made afterwards is
// ours, exactly as after a password sign-in. Accounts link by verified email; just-in-time creation
// only where OIDC_JIT allows it; department and title follow the mapped claims at every sign-in.

const FLOW_COOKIE = "atrium_oidc";
const FLOW_TTL_MS = 10 * 60_000;
const CALLBACK = "/auth/oidc/callback";

let cached: { key: string; config: Promise<client.Configuration> } | null = null;

function configuration(): Promise<client.Configuration> {
  const e = env();
  // the ID token's exp/iat are judged on the app's clock (app/utils/clock.server.ts), like sessions
  const skew = Math.round((now().getTime() - Date.now()) / 1000);
  const key = `${e.OIDC_ISSUER}|${e.OIDC_CLIENT_ID}|${e.OIDC_CLIENT_SECRET}|${skew}`;
  if (!cached || cached.key !== key) {
    const issuer = new URL(e.OIDC_ISSUER!);
    // plain http only to a provider on this machine (development, tests)
    const loopback = issuer.protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(issuer.hostname);
    const metadata: Partial<client.ClientMetadata> = { client_secret: e.OIDC_CLIENT_SECRET, [client.clockSkew]: skew };
    const config = client.discovery(issuer, e.OIDC_CLIENT_ID!, metadata, undefined, loopback ? { execute: [client.allowInsecureRequests] } : undefined);
    config.catch(() => (cached = null)); // a provider down at boot is retried on the next sign-in
    cached = { key, config };
  }
  return cached.config;
}

const redirectUri = () => `${publicOrigin()}${CALLBACK}`;

type Flow = { v: string; s: string; n: string; r: string; t: number };

function flowCookie(request: Request, value: string, maxAge: number) {
  const secure = new URL(request.url).protocol === "https:" ? "; Secure" : "";
  // Lax: the provider's redirect back is a top-level GET, which carries it
  return `${FLOW_COOKIE}=${value}; Path=/auth/oidc; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure}`;
}

export const clearFlowCookie = (request: Request) => flowCookie(request, "", 0);

/** Starts a sign-in: the provider's authorization URL and the cookie that remembers this attempt. */
export async function beginOidc(request: Request, redirectTo: string | null): Promise<{ url: string; cookie: string }> {
  const config = await configuration();
  const verifier = client.randomPKCECodeVerifier();
  const flow: Flow = { v: verifier, s: client.randomState(), n: client.randomNonce(), r: safeRedirect(redirectTo, "/"), t: now().getTime() };
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri(),
    scope: "openid email profile",
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state: flow.s,
    nonce: flow.n,
  });
  const value = Buffer.from(JSON.stringify(flow)).toString("base64url");
  return { url: url.href, cookie: flowCookie(request, `${value}.${sign("oidc-flow", value)}`, FLOW_TTL_MS / 1000) };
}

function readFlow(request: Request): Flow | null {
  const raw = (request.headers.get("Cookie") ?? "")
    .split(";")
    .map((p) => p.trim())
    .find((p) => p.startsWith(`${FLOW_COOKIE}=`))
    ?.slice(FLOW_COOKIE.length + 1);
  if (!raw) return null;
  const [value, mac] = raw.split(".");
  if (!value || !mac || !verify("oidc-flow", value, mac)) return null;
  try {
    const flow = JSON.parse(Buffer.from(value, "base64url").toString("utf8")) as Flow;
    return now().getTime() - flow.t <= FLOW_TTL_MS ? flow : null;
  } catch {
    return null;
  }
}

export type OidcResult =
  | { ok: true; token: string; expiresAt: Date; redirectTo: string; userId: string }
  | { ok: false; reason: "no_flow" | "rejected" | "unverified_email" | "no_account" | "deactivated" };

async function ssoOrgId(): Promise<string | null> {
  const e = env();
  if (e.OIDC_ORG_ID) return e.OIDC_ORG_ID;
  const rows = await (await getDb()).select({ id: orgs.id }).from(orgs).limit(2);
  return rows.length === 1 ? rows[0].id : null;
}

const claimText = (v: unknown) => (typeof v === "string" ? v.trim().slice(0, 120) : undefined);

/** Completes a sign-in from the provider's redirect: validates everything, links or creates, opens our session. */
export async function finishOidc(request: Request, meta: { ip?: string; userAgent?: string } = {}): Promise<OidcResult> {
  const flow = readFlow(request);
  if (!flow) return { ok: false, reason: "no_flow" };
  const config = await configuration();
  // the URL the provider redirected to, as the public origin spells it (behind a proxy too)
  const incoming = new URL(request.url);
  const current = new URL(`${redirectUri()}${incoming.search}`);
  let claims: client.IDToken | undefined;
  try {
    const tokens = await client.authorizationCodeGrant(config, current, {
      pkceCodeVerifier: flow.v,
      expectedState: flow.s,
      expectedNonce: flow.n,
      idTokenExpected: true,
    });
    claims = tokens.claims();
  } catch (e) {
    console.warn(JSON.stringify({ level: "warn", msg: "oidc sign-in refused", error: (e as Error).message }));
    return { ok: false, reason: "rejected" };
  }
  if (!claims) return { ok: false, reason: "rejected" };
  const email = typeof claims.email === "string" ? claims.email.trim().toLowerCase() : "";
  if (!email || claims.email_verified !== true) return { ok: false, reason: "unverified_email" };
  const orgId = await ssoOrgId();
  if (!orgId) return { ok: false, reason: "no_account" };
  const e = env();
  const department = e.OIDC_DEPARTMENT_CLAIM ? claimText(claims[e.OIDC_DEPARTMENT_CLAIM]) : undefined;
  const title = e.OIDC_TITLE_CLAIM ? claimText(claims[e.OIDC_TITLE_CLAIM]) : undefined;
  const db = await getDb();
  // emails are unique across Atrium: someone of another organisation is not linked here
  const [existing] = await db.select().from(users).where(sql`lower(${users.email}) = ${email}`);
  if (existing && existing.orgId !== orgId) return { ok: false, reason: "no_account" };
  let userId: string;
  if (existing) {
    if (existing.status !== "active") return { ok: false, reason: "deactivated" };
    userId = existing.id;
    const changes = { ...(department !== undefined ? { department } : {}), ...(title !== undefined ? { title } : {}) };
    const changed = (department !== undefined && department !== existing.department) || (title !== undefined && title !== existing.title);
    if (changed) {
      // the people index follows the identity provider's title and department
      await runCommand(db, async ({ tx, emit }) => {
        await tx.update(users).set(changes).where(eq(users.id, userId));
        await emit({ orgId, topic: department !== undefined && department !== existing.department ? "user.updated" : "user.profile.updated", subjectId: userId });
      });
    }
  } else {
    if (!e.OIDC_JIT) return { ok: false, reason: "no_account" };
    const name = claimText(claims.name) || [claimText(claims.given_name), claimText(claims.family_name)].filter(Boolean).join(" ") || email;
    userId = await runCommand(db, async ({ tx, emit }) => {
      const created = await createUser({ orgId, email, name, department: department ?? "", title: title ?? "" }, tx);
      await emit({ orgId, topic: "user.created", subjectId: created.id });
      return created.id;
    });
  }
  const session = await createSession(userId, meta);
  return { ok: true, token: session.token, expiresAt: session.expiresAt, redirectTo: flow.r, userId };
}
