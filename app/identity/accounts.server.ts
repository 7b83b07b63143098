import { and, count, eq, isNull, sql } from "drizzle-orm";
import { runCommand } from "~/compliance/command.server";
import { getDb, type DbOrTx } from "~/db/client.server";
import { invites, orgs, setupTokens, users } from "~/db/schema";
import { env } from "~/env.server";
import { now } from "~/utils/clock.server";
import { newId } from "~/utils/ids";
import { hashPassword, verifyPassword } from "./password.server";
import { clearHits, isLimited, recordHit } from "./rate-limit.server";
import type { OrgRole } from "~/policy/roles";
import { revokeAllSessions } from "./session.server";
import { passwordAllowed } from "./sso-settings.server";
import { hashSecret, randomToken } from "./tokens.server";

export type NewUser = {
  orgId: string;
  email: string;
  name: string;
  password?: string | null;
  roles?: OrgRole[];
  title?: string;
  department?: string;
  region?: string;
  languages?: string[];
  managerId?: string | null;
  locale?: string | null;
};

export async function createUser(input: NewUser, db?: DbOrTx) {
  const d = db ?? (await getDb());
  const id = newId();
  const [row] = await d
    .insert(users)
    .values({
      id,
      orgId: input.orgId,
      email: input.email.trim().toLowerCase(),
      name: input.name.trim(),
      title: input.title ?? "",
      department: input.department ?? "",
      region: input.region ?? "",
      languages: input.languages ?? [],
      managerId: input.managerId ?? null,
      locale: input.locale ?? null,
      roles: input.roles && input.roles.length ? input.roles : ["member"],
      passwordHash: input.password ? await hashPassword(input.password) : null,
    })
    .returning();
  return row;
}

export async function createOrg(name: string, db?: DbOrTx) {
  const d = db ?? (await getDb());
  const [row] = await d.insert(orgs).values({ id: newId(), name: name.trim() }).returning();
  return row;
}

export async function findUserByEmail(email: string) {
  const db = await getDb();
  const [row] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = ${email.trim().toLowerCase()}`)
    .limit(1);
  return row ?? null;
}

export type SignInResult =
  | { ok: true; userId: string }
  | { ok: false; reason: "invalid" | "rate_limited" | "sso_required" };

/**
 * Email + password sign-in. Only failures are counted (docs/decisions/0004-sign-in-throttling.md):
 * - per account: after LOGIN_MAX_PER_ACCOUNT failures in the window, nobody signs in to it, right
 *   password or not (guessing one person's password is what this stops);
 * - per address: after LOGIN_MAX_PER_IP failures in the window, the address may no longer try the
 *   accounts it has failed on; a correct password for any other account still signs in, so one
 *   person mistyping, or a spray, behind an office's NAT address never locks the whole office out.
 */
export async function signIn(email: string, password: string, ip: string): Promise<SignInResult> {
  const e = env();
  const windowMs = e.LOGIN_WINDOW_MINUTES * 60_000;
  const account = email.trim().toLowerCase();
  const accountKey = `login:account:${account}`;
  const ipKey = `login:ip:${ip || "unknown"}`;
  const pairKey = `login:ip-account:${ip || "unknown"}:${account}`;
  // an organisation that requires SSO takes no passwords (the break-glass admin excepted); checked
  // before the password, so the answer does not depend on whether it was right
  if (!(await passwordAllowed(account))) return { ok: false, reason: "sso_required" };
  if (await isLimited(accountKey, e.LOGIN_MAX_PER_ACCOUNT, windowMs)) return { ok: false, reason: "rate_limited" };
  if ((await isLimited(ipKey, e.LOGIN_MAX_PER_IP, windowMs)) && (await isLimited(pairKey, 1, windowMs))) {
    return { ok: false, reason: "rate_limited" };
  }
  const user = await findUserByEmail(account);
  const valid = await verifyPassword(user?.passwordHash, password);
  if (!user || !valid || user.status !== "active") {
    await recordHit(accountKey, windowMs);
    await recordHit(ipKey, windowMs);
    await recordHit(pairKey, windowMs);
    return { ok: false, reason: "invalid" };
  }
  // A success is not counted against the address; it forgives this account's own failures.
  await clearHits(accountKey);
  await clearHits(pairKey);
  return { ok: true, userId: user.id };
}

// ---------- first-run setup ----------

export async function userCount(): Promise<number> {
  const db = await getDb();
  const [row] = await db.select({ n: count() }).from(users);
  return Number(row?.n ?? 0);
}

/** When nobody exists yet, issues a one-time setup token (only its hash is stored). */
export async function issueSetupToken(): Promise<string | null> {
  if ((await userCount()) > 0) return null;
  const db = await getDb();
  const token = randomToken();
  await db.insert(setupTokens).values({ tokenHash: hashSecret(token) });
  return token;
}

export async function setupTokenValid(token: string): Promise<boolean> {
  if (!token) return false;
  const db = await getDb();
  const [row] = await db
    .select()
    .from(setupTokens)
    .where(and(eq(setupTokens.tokenHash, hashSecret(token)), isNull(setupTokens.usedAt)))
    .limit(1);
  return !!row && (await userCount()) === 0;
}

export async function completeSetup(input: {
  token: string;
  orgName: string;
  name: string;
  email: string;
  password: string;
}): Promise<{ ok: true; userId: string } | { ok: false }> {
  const db = await getDb();
  return runCommand(db, async ({ tx, audit }) => {
    const used = await tx
      .update(setupTokens)
      .set({ usedAt: now() })
      .where(and(eq(setupTokens.tokenHash, hashSecret(input.token)), isNull(setupTokens.usedAt)))
      .returning();
    const [{ n }] = await tx.select({ n: count() }).from(users);
    if (used.length === 0 || Number(n) > 0) return { ok: false } as const;
    const org = await createOrg(input.orgName, tx);
    const user = await createUser(
      { orgId: org.id, email: input.email, name: input.name, password: input.password, roles: ["admin", "member"] },
      tx,
    );
    await audit({ orgId: org.id, actorId: user.id, action: "org.setup", targetKind: "org", targetId: org.id, data: {} });
    return { ok: true, userId: user.id } as const;
  });
}

// ---------- invites ----------

const INVITE_DAYS = 14;

export async function createInvite(input: { orgId: string; email: string; role: OrgRole; createdBy: string }) {
  const db = await getDb();
  const token = randomToken();
  const id = newId();
  await runCommand(db, async ({ tx, audit }) => {
    await tx.insert(invites).values({
      id,
      orgId: input.orgId,
      email: input.email.trim().toLowerCase(),
      role: input.role,
      tokenHash: hashSecret(token),
      createdBy: input.createdBy,
      expiresAt: new Date(now().getTime() + INVITE_DAYS * 86_400_000),
    });
    await audit({
      orgId: input.orgId,
      actorId: input.createdBy,
      action: "user.invite",
      targetKind: "invite",
      targetId: id,
      data: { email: input.email.trim().toLowerCase(), role: input.role },
    });
  });
  return { id, token };
}

export async function findInvite(token: string) {
  const db = await getDb();
  const [row] = await db
    .select({ invite: invites, orgName: orgs.name })
    .from(invites)
    .innerJoin(orgs, eq(orgs.id, invites.orgId))
    .where(eq(invites.tokenHash, hashSecret(token)))
    .limit(1);
  if (!row || row.invite.acceptedAt || row.invite.expiresAt.getTime() <= now().getTime()) return null;
  return row;
}

export type AcceptInviteResult =
  | { ok: true; userId: string }
  | { ok: false; reason: "invalid" | "email_taken" };

export async function acceptInvite(input: { token: string; name: string; password: string }): Promise<AcceptInviteResult> {
  const found = await findInvite(input.token);
  if (!found) return { ok: false, reason: "invalid" };
  if (await findUserByEmail(found.invite.email)) return { ok: false, reason: "email_taken" };
  const db = await getDb();
  const passwordHash = await hashPassword(input.password);
  return runCommand(db, async ({ tx, emit }) => {
    const claimed = await tx
      .update(invites)
      .set({ acceptedAt: now() })
      .where(and(eq(invites.id, found.invite.id), isNull(invites.acceptedAt)))
      .returning();
    if (claimed.length === 0) return { ok: false, reason: "invalid" } as const;
    const id = newId();
    const roles: OrgRole[] = found.invite.role === "member" ? ["member"] : ["member", found.invite.role as OrgRole];
    await tx.insert(users).values({
      id,
      orgId: found.invite.orgId,
      email: found.invite.email,
      name: input.name.trim(),
      roles,
      passwordHash,
    });
    // the people index gets the new colleague
    await emit({ orgId: found.invite.orgId, topic: "user.created", subjectId: id });
    return { ok: true, userId: id } as const;
  });
}

// ---------- administration ----------

export async function listOrgUsers(orgId: string) {
  const db = await getDb();
  return db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      roles: users.roles,
      status: users.status,
      department: users.department,
    })
    .from(users)
    .where(eq(users.orgId, orgId))
    .orderBy(users.name);
}

/** Deactivation keeps the person's content and revokes every session at once. */
export async function deactivateUser(orgId: string, userId: string, actorId: string): Promise<boolean> {
  const db = await getDb();
  return runCommand(db, async ({ tx, audit, emit }) => {
    const res = await tx
      .update(users)
      .set({ status: "deactivated", deactivatedAt: now() })
      .where(and(eq(users.id, userId), eq(users.orgId, orgId), eq(users.status, "active")))
      .returning({ id: users.id });
    if (res.length === 0) return false;
    await revokeAllSessions(userId, tx);
    await audit({ orgId, actorId, action: "user.deactivate", targetKind: "user", targetId: userId, data: {} });
    await emit({ orgId, topic: "user.deactivated", subjectId: userId });
    return true;
  });
}
