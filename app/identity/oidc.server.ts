import * as client from "openid-client";
import { and, eq, ne, sql } from "drizzle-orm";
import { runCommand } from "~/compliance/command.server";
import { getDb, type DbOrTx } from "~/db/client.server";
import { users } from "~/db/schema";
import { publicOrigin } from "~/env.server";
import { sign, verify } from "~/platform/secret.server";
import { now } from "~/utils/clock.server";
import { safeRedirect } from "~/utils/safe-redirect";
import { createUser } from "./accounts.server";
import { createSession } from "./session.server";
import { emailDomainAllowed, oidcEnabled, ssoConfig, type SsoConfig } from "./sso-settings.server";

export { oidcEnabled };

// OpenID Connect sign-in with openid-client (certified): discovery, authorization code + PKCE (S256),
// state and nonce, ID-token validation (signature, issuer, audience, expiry, nonce) by the library.
// The state, nonce and verifier travel in a short-lived signed cookie; the session made afterwards is
// ours, exactly as after a password sign-in. Accounts link by verified email; just-in-time creation
// only where the settings allow it (sso-settings.server.ts: the admin page, environment variables first);
// department, title and manager follow the mapped claims at every sign-in.

const FLOW_COOKIE = "atrium_oidc";
const FLOW_TTL_MS = 10 * 60_000;
const CALLBACK = "/auth/oidc/callback";

let cached: { key: string; config: Promise<client.Configuration> } | null = null;

function configuration(sso: SsoConfig): Promise<client.Configuration> {
  // the ID token's exp/iat are judged on the app's clock (app/utils/clock.server.ts), like sessions
  const skew = Math.round((now().getTime() - Date.now()) / 1000);
  const key = JSON.stringify([sso.issuer, sso.clientId, sso.clientSecret, skew]);
  if (!cached || cached.key !== key) {
    const issuer = new URL(sso.issuer!);
    // plain http only to a provider on this machine (development, tests)
    const loopback = issuer.protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(issuer.hostname);
    const metadata: Partial<client.ClientMetadata> = { ...(sso.clientSecret ? { client_secret: sso.clientSecret } : {}), [client.clockSkew]: skew };
    const config = client.discovery(issuer, sso.clientId!, metadata, undefined, loopback ? { execute: [client.allowInsecureRequests] } : undefined);
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
  const config = await configuration((await ssoConfig()).config);
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

const claimText = (v: unknown) => (typeof v === "string" ? v.trim().slice(0, 120) : undefined);

/** The person the manager claim names, in the same organisation: by email or by external id (SCIM's). */
async function managerFrom(db: DbOrTx, orgId: string, sso: SsoConfig, claims: client.IDToken, selfId: string | null): Promise<string | undefined> {
  if (!sso.managerClaim) return undefined;
  const raw = claims[sso.managerClaim];
  const value = typeof raw === "string" ? raw.trim() : typeof raw === "number" ? String(raw) : "";
  if (!value || value.length > 254) return undefined;
  const match = sso.managerMatch === "external_id" ? eq(users.externalId, value) : sql`lower(${users.email}) = ${value.toLowerCase()}`;
  const [m] = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.orgId, orgId), ne(users.status, "deleted"), match))
    .limit(1);
  // an unknown manager leaves the line as it is (they may be provisioned later); never oneself
  if (!m || m.id === selfId) {
    console.warn(JSON.stringify({ level: "warn", msg: "oidc manager claim names nobody in the organisation", claim: sso.managerClaim }));
    return undefined;
  }
  return m.id;
}

/** Completes a sign-in from the provider's redirect: validates everything, links or creates, opens our session. */
export async function finishOidc(request: Request, meta: { ip?: string; userAgent?: string } = {}): Promise<OidcResult> {
  const flow = readFlow(request);
  if (!flow) return { ok: false, reason: "no_flow" };
  const { orgId, config: sso } = await ssoConfig();
  const config = await configuration(sso);
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
  if (!orgId || !emailDomainAllowed(sso, email)) return { ok: false, reason: "no_account" };
  const department = sso.departmentClaim ? claimText(claims[sso.departmentClaim]) : undefined;
  const title = sso.titleClaim ? claimText(claims[sso.titleClaim]) : undefined;
  const db = await getDb();
  // emails are unique across Atrium: someone of another organisation is not linked here
  const [existing] = await db.select().from(users).where(sql`lower(${users.email}) = ${email}`);
  if (existing && existing.orgId !== orgId) return { ok: false, reason: "no_account" };
  if (existing && existing.status !== "active") return { ok: false, reason: "deactivated" };
  if (!existing && !sso.jit) return { ok: false, reason: "no_account" };
  const managerId = await managerFrom(db, orgId, sso, claims, existing?.id ?? null);
  // the profile follows the directory: one command, audited when something changed (department drives barriers)
  const userId = await runCommand(db, async ({ tx, audit, emit }) => {
    if (existing) {
      const changes = {
        ...(department !== undefined && department !== existing.department ? { department } : {}),
        ...(title !== undefined && title !== existing.title ? { title } : {}),
        ...(managerId !== undefined && managerId !== existing.managerId ? { managerId } : {}),
      };
      if (Object.keys(changes).length) {
        await tx.update(users).set(changes).where(eq(users.id, existing.id));
        await audit({ orgId, actorId: existing.id, action: "sso.profile.sync", targetKind: "user", targetId: existing.id, data: changes });
        // the people index follows the identity provider (a department change moves barrier facts too)
        await emit({ orgId, topic: "department" in changes ? "user.updated" : "user.profile.updated", subjectId: existing.id });
      }
      return existing.id;
    }
    const name = claimText(claims.name) || [claimText(claims.given_name), claimText(claims.family_name)].filter(Boolean).join(" ") || email;
    const created = await createUser({ orgId, email, name, department: department ?? "", title: title ?? "", managerId: managerId ?? null }, tx);
    await emit({ orgId, topic: "user.created", subjectId: created.id });
    await audit({ orgId, actorId: created.id, action: "sso.user.create", targetKind: "user", targetId: created.id, data: { email, department: created.department, title: created.title, managerId: created.managerId } });
    return created.id;
  });
  const session = await createSession(userId, meta);
  return { ok: true, token: session.token, expiresAt: session.expiresAt, redirectTo: flow.r, userId };
}
