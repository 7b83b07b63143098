import { requestMemo } from "~/platform/request-scope.server";
import { and, eq, gt, isNull, ne, sql } from "drizzle-orm";
import { redirect } from "@remix-run/node";
import { getDb, query, type DbOrTx } from "~/db/client.server";
import { sessions } from "~/db/schema";
import { env } from "~/env.server";
import { now } from "~/utils/clock.server";
import type { Viewer } from "~/policy/policy";
import type { OrgRole } from "~/policy/roles";
import { viewerFactsSql, viewerFromRow, type ViewerFactsRow } from "~/policy/viewer.server";
import { hashSecret, randomToken, secretMatches } from "./tokens.server";

export type { OrgRole } from "~/policy/roles";

export type CurrentUser = {
  id: string;
  orgId: string;
  orgName: string;
  email: string;
  name: string;
  locale: string | null;
  timeZone: string | null;
  roles: OrgRole[];
  department: string;
  sessionId: string;
};

// Sessions follow the Lucia guide (docs/decisions/0001-sessions-after-lucia.md):
// token = "<id>.<secret>", 120 bits each; only SHA-256(secret) is stored.
// Each part is 24 lower-case base32 characters (randomToken); nothing else is looked up.
const TOKEN_RE = /^[a-z2-7]{24}\.[a-z2-7]{24}$/;

const idleMs = () => env().SESSION_IDLE_MINUTES * 60_000;
const absoluteMs = () => env().SESSION_ABSOLUTE_HOURS * 3_600_000;
// Refresh last-active at most once a minute, not on every request.
const TOUCH_EVERY_MS = 60_000;

export async function createSession(
  userId: string,
  meta: { ip?: string; userAgent?: string } = {},
  db?: DbOrTx,
): Promise<{ token: string; id: string; expiresAt: Date }> {
  const d = db ?? (await getDb());
  const id = randomToken();
  const secret = randomToken();
  const t = now();
  const expiresAt = new Date(t.getTime() + absoluteMs());
  await d.insert(sessions).values({
    id,
    secretHash: hashSecret(secret),
    userId,
    createdAt: t,
    lastActiveAt: t,
    expiresAt,
    ip: meta.ip ?? "",
    userAgent: (meta.userAgent ?? "").slice(0, 300),
  });
  return { token: `${id}.${secret}`, id, expiresAt };
}

type SessionRow = ViewerFactsRow & {
  session_id: string;
  secret_hash: string;
  revoked: boolean;
  expires_ms: number;
  last_active_ms: number;
  org_name: string;
  email: string;
  name: string;
  locale: string | null;
  time_zone: string | null;
};

// The viewer's policy facts, read with the session (one round trip for both); getViewer uses them.
const factsOfSession = new WeakMap<CurrentUser, Viewer>();
export const sessionViewer = (user: CurrentUser): Viewer | undefined => factsOfSession.get(user);

export async function validateSessionToken(token: string): Promise<CurrentUser | null> {
  if (!TOKEN_RE.test(token)) return null;
  const [id, secret] = token.split(".");
  const db = await getDb();
  const [row] = await query<SessionRow>(
    db,
    sql`select s.id as session_id, s.secret_hash, s.revoked_at is not null as revoked,
          (extract(epoch from s.expires_at) * 1000)::float8 as expires_ms,
          (extract(epoch from s.last_active_at) * 1000)::float8 as last_active_ms,
          o.name as org_name, u.email, u.name, u.locale, u.time_zone, ${viewerFactsSql()}
        from sessions s join users u on u.id = s.user_id join orgs o on o.id = u.org_id
        where s.id = ${id}`,
  );
  if (!row) return null;
  if (!secretMatches(secret, row.secret_hash)) return null;
  const t = now().getTime();
  if (row.revoked) return null;
  if (row.status !== "active") return null;
  if (row.expires_ms <= t) return null;
  if (row.last_active_ms + idleMs() <= t) return null;
  if (t - row.last_active_ms > TOUCH_EVERY_MS) {
    await db.update(sessions).set({ lastActiveAt: new Date(t) }).where(eq(sessions.id, id));
  }
  const user: CurrentUser = {
    id: row.id,
    orgId: row.org_id,
    orgName: row.org_name,
    email: row.email,
    name: row.name,
    locale: row.locale,
    timeZone: row.time_zone,
    roles: row.roles as OrgRole[],
    department: row.department,
    sessionId: row.session_id,
  };
  factsOfSession.set(user, viewerFromRow(row));
  return user;
}

export async function revokeSession(sessionId: string, userId?: string) {
  const db = await getDb();
  const cond = userId
    ? and(eq(sessions.id, sessionId), eq(sessions.userId, userId))
    : eq(sessions.id, sessionId);
  const res = await db
    .update(sessions)
    .set({ revokedAt: now() })
    .where(and(cond, isNull(sessions.revokedAt)))
    .returning({ id: sessions.id });
  return res.length > 0;
}

export async function revokeOtherSessions(userId: string, keepSessionId: string) {
  const db = await getDb();
  await db
    .update(sessions)
    .set({ revokedAt: now() })
    .where(and(eq(sessions.userId, userId), ne(sessions.id, keepSessionId), isNull(sessions.revokedAt)));
}

export async function revokeAllSessions(userId: string, db?: DbOrTx) {
  const d = db ?? (await getDb());
  await d
    .update(sessions)
    .set({ revokedAt: now() })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)));
}

export async function listActiveSessions(userId: string) {
  const db = await getDb();
  const t = now();
  const idleCutoff = new Date(t.getTime() - idleMs());
  return db
    .select({
      id: sessions.id,
      createdAt: sessions.createdAt,
      lastActiveAt: sessions.lastActiveAt,
      expiresAt: sessions.expiresAt,
      ip: sessions.ip,
      userAgent: sessions.userAgent,
    })
    .from(sessions)
    .where(
      and(
        eq(sessions.userId, userId),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, t),
        gt(sessions.lastActiveAt, idleCutoff),
      ),
    )
    .orderBy(sql`${sessions.lastActiveAt} desc`);
}

// ---------- cookies ----------

function isHttps(request: Request) {
  return new URL(request.url).protocol === "https:";
}

export function sessionCookieName(request: Request) {
  // The __Host- prefix binds the cookie to this exact origin; browsers only accept it over HTTPS.
  return isHttps(request) ? "__Host-atrium_session" : "atrium_session";
}

/**
 * The session cookie as sent: absent, a well-formed token, or unreadable (bad percent-encoding,
 * stray bytes, wrong shape). Unreadable counts as no session, and is cleared by the response
 * (app/entry.server.tsx); it never reaches the database.
 */
export function readSessionCookie(request: Request): { token: string | null; unreadable: boolean } {
  const header = request.headers.get("Cookie");
  if (!header) return { token: null, unreadable: false };
  const name = sessionCookieName(request);
  for (const part of header.split(";")) {
    const eqAt = part.indexOf("=");
    if (eqAt < 0 || part.slice(0, eqAt).trim() !== name) continue;
    const raw = part.slice(eqAt + 1).trim();
    if (raw === "") return { token: null, unreadable: false };
    let value: string;
    try {
      value = decodeURIComponent(raw);
    } catch {
      return { token: null, unreadable: true };
    }
    return TOKEN_RE.test(value) ? { token: value, unreadable: false } : { token: null, unreadable: true };
  }
  return { token: null, unreadable: false };
}

export function readSessionToken(request: Request): string | null {
  return readSessionCookie(request).token;
}

export function sessionCookie(request: Request, token: string, expiresAt: Date) {
  const secure = isHttps(request) ? "; Secure" : "";
  return `${sessionCookieName(request)}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Lax; Expires=${expiresAt.toUTCString()}${secure}`;
}

/** Adds the clearing Set-Cookie when the request carried an unreadable session cookie. */
export function clearUnreadableSession(request: Request, headers: Headers) {
  if (readSessionCookie(request).unreadable && !headers.has("Set-Cookie")) headers.append("Set-Cookie", clearSessionCookie(request));
}

export function clearSessionCookie(request: Request) {
  const secure = isHttps(request) ? "; Secure" : "";
  return `${sessionCookieName(request)}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${secure}`;
}

// ---------- request helpers ----------

const perRequest = new WeakMap<Request, Promise<CurrentUser | null>>();

export function getCurrentUser(request: Request): Promise<CurrentUser | null> {
  let p = perRequest.get(request);
  if (!p) {
    const token = readSessionToken(request);
    // shared by every loader of one read request (their Request objects are copies)
    p = token ? requestMemo(`session:${token}`, () => validateSessionToken(token)) : Promise.resolve(null);
    perRequest.set(request, p);
  }
  return p;
}

export async function requireUser(request: Request): Promise<CurrentUser> {
  const user = await getCurrentUser(request);
  if (!user) {
    const url = new URL(request.url);
    const redirectTo = url.pathname + url.search;
    const headers = readSessionCookie(request).unreadable ? { "Set-Cookie": clearSessionCookie(request) } : undefined;
    throw redirect(`/login?redirectTo=${encodeURIComponent(redirectTo)}`, { headers });
  }
  return user;
}
