import { requestMemo } from "~/platform/request-scope.server";
import { and, eq, gt, isNull, ne, sql } from "drizzle-orm";
import { redirect } from "@remix-run/node";
import { getDb, type DbOrTx } from "~/db/client.server";
import { orgs, sessions, users } from "~/db/schema";
import { env } from "~/env.server";
import { now } from "~/utils/clock.server";
import type { OrgRole } from "~/policy/roles";
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

export async function validateSessionToken(token: string): Promise<CurrentUser | null> {
  if (!TOKEN_RE.test(token)) return null;
  const [id, secret] = token.split(".");
  const db = await getDb();
  const rows = await db
    .select({ s: sessions, u: users, orgName: orgs.name })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .innerJoin(orgs, eq(orgs.id, users.orgId))
    .where(eq(sessions.id, id))
    .limit(1);
  const row = rows[0];
  if (!row) return null;
  if (!secretMatches(secret, row.s.secretHash)) return null;
  const t = now().getTime();
  if (row.s.revokedAt) return null;
  if (row.u.status !== "active") return null;
  if (row.s.expiresAt.getTime() <= t) return null;
  if (row.s.lastActiveAt.getTime() + idleMs() <= t) return null;
  if (t - row.s.lastActiveAt.getTime() > TOUCH_EVERY_MS) {
    await db.update(sessions).set({ lastActiveAt: new Date(t) }).where(eq(sessions.id, id));
  }
  return {
    id: row.u.id,
    orgId: row.u.orgId,
    orgName: row.orgName,
    email: row.u.email,
    name: row.u.name,
    locale: row.u.locale,
    timeZone: row.u.timeZone,
    roles: row.u.roles as OrgRole[],
    department: row.u.department,
    sessionId: row.s.id,
  };
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
