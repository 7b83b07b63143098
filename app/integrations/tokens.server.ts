import { and, desc, eq, isNull } from "drizzle-orm";
import { runCommand } from "~/compliance/command.server";
import { getDb, type Db } from "~/db/client.server";
import { apiTokens, users } from "~/db/schema";
import { hashSecret, randomToken, secretMatches } from "~/identity/tokens.server";
import { authorizeOrg } from "~/policy/authorize.server";
import { ANONYMOUS, type Viewer } from "~/policy/policy";
import { loadViewer } from "~/policy/viewer.server";
import { now } from "~/utils/clock.server";
import { notFound } from "~/utils/http.server";

// API and SCIM bearer tokens. The admin creates one for an owner; the secret is shown once and
// only its SHA-256 is kept. A token acts as its owner's viewer, narrowed by its scopes: without
// `admin` the owner's organisation roles are dropped, so a token never reads more than its owner.

import { API_SCOPES, TOKEN_KINDS } from "./token-kinds";
export { API_SCOPES, TOKEN_KINDS };
export type TokenKind = (typeof TOKEN_KINDS)[number];
export type TokenScope = (typeof API_SCOPES)[number] | "scim";

// "atr_" + 24-character id + "_" + two 24-character secrets (240 bits).
const TOKEN_RE = /^atr_([a-z2-7]{24})_([a-z2-7]{48})$/;
// Refresh last-used at most once a minute, not on every call.
const TOUCH_EVERY_MS = 60_000;

export type TokenInput = { kind: TokenKind; name: string; ownerId: string; scopes: readonly string[]; expiresInDays: number | null };

export class TokenInputError extends Error {
  constructor(public field: "ownerId" | "scopes") {
    super(field);
  }
}

/** What a kind of token may carry: SCIM tokens only `scim`, API tokens only API scopes. */
export function scopesFor(kind: TokenKind, requested: readonly string[]): TokenScope[] {
  const allowed: readonly string[] = kind === "scim" ? ["scim"] : API_SCOPES;
  const scopes = [...new Set(requested)].filter((s) => allowed.includes(s)) as TokenScope[];
  if (kind === "scim") return ["scim"];
  if (scopes.length === 0 || scopes.length !== new Set(requested).size) throw new TokenInputError("scopes");
  return scopes;
}

/** Creates a token; returns the secret once (it cannot be shown again). Audited. */
export async function createApiToken(viewer: Viewer, input: TokenInput, db?: Db) {
  const { orgId, actorId } = authorizeOrg(viewer, "manage_integrations");
  const d = db ?? (await getDb());
  const scopes = scopesFor(input.kind, input.scopes);
  // SCIM tokens act as the admin who made them (their audit entries name a person).
  const ownerId = input.kind === "scim" ? actorId : input.ownerId;
  const [owner] = await d.select({ id: users.id, status: users.status }).from(users).where(and(eq(users.id, ownerId), eq(users.orgId, orgId)));
  if (!owner || owner.status !== "active") throw new TokenInputError("ownerId");
  const id = randomToken();
  const secret = randomToken() + randomToken();
  const t = now();
  const expiresAt = input.expiresInDays ? new Date(t.getTime() + input.expiresInDays * 86_400_000) : null;
  await runCommand(d, async ({ tx, audit }) => {
    await tx.insert(apiTokens).values({
      id,
      orgId,
      kind: input.kind,
      name: input.name,
      ownerId,
      scopes,
      secretHash: hashSecret(secret),
      createdBy: actorId,
      createdAt: t,
      expiresAt,
    });
    await audit({ orgId, actorId, action: "token.create", targetKind: "api_token", targetId: id, data: { kind: input.kind, name: input.name, ownerId, scopes } });
  });
  return { id, token: `atr_${id}_${secret}`, scopes, expiresAt };
}

/** Revokes a token of the viewer's org; unknown ids do not exist (404). Audited. */
export async function revokeApiToken(viewer: Viewer, id: string, db?: Db): Promise<boolean> {
  const { orgId, actorId } = authorizeOrg(viewer, "manage_integrations");
  const d = db ?? (await getDb());
  return runCommand(d, async ({ tx, audit }) => {
    const [row] = await tx.select().from(apiTokens).where(and(eq(apiTokens.id, id), eq(apiTokens.orgId, orgId)));
    if (!row) notFound();
    if (row.revokedAt) return false;
    await tx.update(apiTokens).set({ revokedAt: now() }).where(eq(apiTokens.id, id));
    await audit({ orgId, actorId, action: "token.revoke", targetKind: "api_token", targetId: id, data: { kind: row.kind, name: row.name } });
    return true;
  });
}

/** The org's tokens for the admin page (never the secret, which is not stored). */
export async function listApiTokens(viewer: Viewer, db?: Db) {
  const { orgId } = authorizeOrg(viewer, "manage_integrations");
  const d = db ?? (await getDb());
  const t = now().getTime();
  const rows = await d
    .select({ token: apiTokens, ownerName: users.name, ownerEmail: users.email })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.ownerId))
    .where(eq(apiTokens.orgId, orgId))
    .orderBy(desc(apiTokens.createdAt), desc(apiTokens.id));
  return rows.map(({ token: r, ownerName, ownerEmail }) => ({
    id: r.id,
    kind: r.kind as TokenKind,
    name: r.name,
    ownerName,
    ownerEmail,
    scopes: r.scopes,
    createdAt: r.createdAt.toISOString(),
    lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
    expiresAt: r.expiresAt?.toISOString() ?? null,
    status: r.revokedAt ? ("revoked" as const) : r.expiresAt && r.expiresAt.getTime() <= t ? ("expired" as const) : ("active" as const),
  }));
}

/** Active people of the org who may own a personal or service token (the admin page's choice). */
export async function tokenOwners(viewer: Viewer, db?: Db) {
  const { orgId } = authorizeOrg(viewer, "manage_integrations");
  const d = db ?? (await getDb());
  return d
    .select({ id: users.id, name: users.name, email: users.email })
    .from(users)
    .where(and(eq(users.orgId, orgId), eq(users.status, "active")))
    .orderBy(users.name);
}

export type TokenPrincipal = { tokenId: string; kind: TokenKind; orgId: string; ownerId: string; scopes: ReadonlySet<TokenScope>; viewer: Viewer };

/** The bearer token of a request, if well formed: "Authorization: Bearer atr_…". */
export function readBearer(request: Request): string | null {
  const header = request.headers.get("Authorization") ?? "";
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m && TOKEN_RE.test(m[1]) ? m[1] : null;
}

/**
 * Resolves a token to its principal: null when unknown, revoked, expired, or its owner is
 * deactivated. The viewer is the owner's, with organisation roles dropped unless `admin` is granted.
 */
export async function resolveToken(token: string, db?: Db): Promise<TokenPrincipal | null> {
  const m = TOKEN_RE.exec(token);
  if (!m) return null;
  const d = db ?? (await getDb());
  const [row] = await d.select().from(apiTokens).where(and(eq(apiTokens.id, m[1]), isNull(apiTokens.revokedAt)));
  if (!row || !secretMatches(m[2], row.secretHash)) return null;
  const t = now();
  if (row.expiresAt && row.expiresAt.getTime() <= t.getTime()) return null;
  const owner = await loadViewer(d, row.ownerId);
  if (owner === ANONYMOUS || owner.orgId !== row.orgId) return null;
  if (!row.lastUsedAt || t.getTime() - row.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
    await d.update(apiTokens).set({ lastUsedAt: t }).where(eq(apiTokens.id, row.id));
  }
  const scopes = new Set(row.scopes as TokenScope[]);
  const viewer: Viewer = scopes.has("admin") ? owner : { ...owner, roles: new Set() };
  return { tokenId: row.id, kind: row.kind as TokenKind, orgId: row.orgId, ownerId: row.ownerId, scopes, viewer };
}
