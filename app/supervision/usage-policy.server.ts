import { sql } from "drizzle-orm";
import { z } from "zod";
import { runCommand } from "~/compliance/command.server";
import { bodyFromForm } from "~/content/composer.server";
import { parseBody } from "~/content/posts.server";
import { usageGate } from "~/content/usage-gate.server";
import { getDb, query, type Db } from "~/db/client.server";
import { notifications, usageAcknowledgements, usagePolicies } from "~/db/schema";
import { authorizeOrg } from "~/policy/authorize.server";
import type { Viewer } from "~/policy/policy";
import { now } from "~/utils/clock.server";
import { forbidden, notFound } from "~/utils/http.server";
import { newId } from "~/utils/ids";

// The firm's social-media usage policy (issue 16, item 5). Org admins publish it in versions
// (rich text through the editor's schema and sanitiser); each person acknowledges the current
// version; content writes are refused until they have (the gate: app/content/usage-gate.server.ts).
// Compliance sees who acknowledged which version and when, and reminds the others (an in-app
// notification). Publishing and acknowledging are archived versions and audit entries; reminders
// are audited.

export const USAGE_NOTIFICATION_KIND = "usage_policy";

export const UsagePolicyTitle = z.string().trim().min(1).max(200);

export class UsagePolicyConflict extends Error {
  constructor(public code: "stale" | "none" | "acknowledged") {
    super(code);
  }
}

/** Archive subjects: the policy's versions per org, each person's acknowledgements. */
const policySubject = (orgId: string) => `${orgId}:usage_policy`;
const ackSubject = (userId: string) => `${userId}:usage_acknowledgement`;

/** Publishes the next version. Bad title or body: a 400 Response / InputError, nothing stored. */
export async function publishUsagePolicy(viewer: Viewer, input: { title: string; body?: string; bodyText?: string }, db?: Db) {
  const d = db ?? (await getDb());
  const { orgId, actorId } = authorizeOrg(viewer, "manage_usage_policy");
  const title = UsagePolicyTitle.safeParse(input.title);
  if (!title.success) throw new Response("invalid title", { status: 400 });
  // the editor's schema, sanitised HTML; throws InputError("body", …) on bad or empty input
  const parsed = parseBody(bodyFromForm({ body: input.body, bodyText: input.bodyText }));
  const t = now();
  return runCommand(d, async (c) => {
    // one publisher at a time per org: versions are consecutive
    await c.tx.execute(sql`select id from orgs where id = ${orgId} for update`);
    const [last] = await query<{ v: number | null }>(c.tx, sql`select max(version) as v from usage_policies where org_id = ${orgId}`);
    const version = Number(last?.v ?? 0) + 1;
    await c.tx.insert(usagePolicies).values({ orgId, version, title: title.data, bodyJson: parsed.doc, bodyHtml: parsed.html, publishedBy: actorId, publishedAt: t });
    await c.archive({
      orgId,
      subjectKind: "usage_policy",
      subjectId: policySubject(orgId),
      version,
      action: version === 1 ? "create" : "edit",
      actorId,
      data: { title: title.data, body: parsed.doc, text: parsed.text, authorId: actorId, publishedAt: t.toISOString() },
      at: t,
    });
    await c.audit({ orgId, actorId, action: "usage_policy.publish", targetKind: "org", targetId: orgId, data: { version, title: title.data } });
    return { version };
  });
}

export type UsagePolicyView = { version: number; title: string; html: string; publishedAt: string; publishedBy: string };

async function currentPolicy(d: Db, orgId: string): Promise<UsagePolicyView | null> {
  const [row] = await query<{ version: number; title: string; body_html: string; published_at: string | Date; name: string }>(
    d,
    sql`select p.version, p.title, p.body_html, p.published_at, u.name from usage_policies p join users u on u.id = p.published_by
        where p.org_id = ${orgId} order by p.version desc limit 1`,
  );
  return row ? { version: Number(row.version), title: row.title, html: row.body_html, publishedAt: new Date(row.published_at).toISOString(), publishedBy: row.name } : null;
}

/** The person's page: the current policy, and what they acknowledged (this version or an older one). */
export async function usagePolicyForViewer(viewer: Viewer, db?: Db) {
  const d = db ?? (await getDb());
  if (!viewer.id || !viewer.orgId) notFound();
  const policy = await currentPolicy(d, viewer.orgId);
  const [last] = await query<{ version: number; at: string | Date }>(
    d,
    sql`select version, at from usage_acknowledgements where user_id = ${viewer.id} and org_id = ${viewer.orgId} order by version desc limit 1`,
  );
  const acknowledged = last ? { version: Number(last.version), at: new Date(last.at).toISOString() } : null;
  return { policy, acknowledged, current: !!policy && acknowledged?.version === policy.version };
}

/**
 * The person accepts `version`, which must be the current one (a newer version published
 * meanwhile: UsagePolicyConflict "stale", nothing stored). Accepting twice is harmless.
 */
export async function acknowledgeUsagePolicy(viewer: Viewer, version: number, db?: Db): Promise<{ version: number; already: boolean }> {
  const d = db ?? (await getDb());
  if (!viewer.id || !viewer.orgId) forbidden();
  const userId = viewer.id;
  const orgId = viewer.orgId;
  return runCommand(d, async (c) => {
    // the publisher's lock: no new version slips in between the check and the insert
    await c.tx.execute(sql`select id from orgs where id = ${orgId} for share`);
    const gate = await usageGate(c.tx, viewer);
    if (!gate) throw new UsagePolicyConflict("none");
    if (gate.version !== version) throw new UsagePolicyConflict("stale");
    if (gate.acknowledged) return { version, already: true };
    const t = now();
    await c.tx.insert(usageAcknowledgements).values({ orgId, userId, version, at: t });
    const [p] = await query<{ title: string }>(c.tx, sql`select title from usage_policies where org_id = ${orgId} and version = ${version}`);
    await c.archive({
      orgId,
      subjectKind: "usage_acknowledgement",
      subjectId: ackSubject(userId),
      version,
      action: "create",
      actorId: userId,
      data: { authorId: userId, policyVersion: version, title: p?.title ?? "", acknowledgedAt: t.toISOString() },
      at: t,
    });
    await c.audit({ orgId, actorId: userId, action: "usage_policy.acknowledge", targetKind: "org", targetId: orgId, data: { version } });
    return { version, already: false };
  });
}

export type AcknowledgementRow = {
  id: string;
  name: string;
  email: string;
  department: string;
  /** the newest version they acknowledged, and when */
  version: number | null;
  at: string | null;
  current: boolean;
  /** the last reminder about the current version */
  remindedAt: string | null;
};

const REPORT_LIMIT = 2000;

async function versionsOf(d: Db, orgId: string) {
  const policy = await currentPolicy(d, orgId);
  const rows = await query<{ version: number; title: string; published_at: string | Date; acks: number }>(
    d,
    sql`select p.version, p.title, p.published_at,
          (select count(*)::int from usage_acknowledgements a where a.org_id = p.org_id and a.version = p.version) as acks
        from usage_policies p where p.org_id = ${orgId} order by p.version desc`,
  );
  const versions = rows.map((v) => ({ version: Number(v.version), title: v.title, publishedAt: new Date(v.published_at).toISOString(), acks: Number(v.acks) }));
  return { policy, versions };
}

/** Org admins: the published versions (newest first) with how many accepted each. */
export async function usagePolicyVersions(viewer: Viewer, db?: Db) {
  const d = db ?? (await getDb());
  const { orgId } = authorizeOrg(viewer, "manage_usage_policy");
  return versionsOf(d, orgId);
}

/** Compliance: every active person of the org, who acknowledged which version and when, who has not. */
export async function acknowledgementReport(viewer: Viewer, db?: Db) {
  const d = db ?? (await getDb());
  const { orgId } = authorizeOrg(viewer, "compliance");
  const { policy, versions } = await versionsOf(d, orgId);
  const current = policy?.version ?? 0;
  const rows = await query<{ id: string; name: string; email: string; department: string; version: number | null; at: string | Date | null; reminded_at: string | Date | null }>(
    d,
    sql`select u.id, u.name, u.email, u.department, a.version, a.at,
          (select max(n.created_at) from notifications n where n.user_id = u.id and n.kind = ${USAGE_NOTIFICATION_KIND} and n.subject_id = ${String(current)}) as reminded_at
        from users u
        left join lateral (select version, at from usage_acknowledgements x where x.user_id = u.id and x.org_id = u.org_id order by version desc limit 1) a on true
        where u.org_id = ${orgId} and u.status = 'active'
        order by (a.version is not null and a.version = ${current}), u.name, u.id
        limit ${REPORT_LIMIT}`,
  );
  const people: AcknowledgementRow[] = rows.map((r) => ({
    id: r.id,
    name: r.name,
    email: r.email,
    department: r.department,
    version: r.version === null ? null : Number(r.version),
    at: r.at === null ? null : new Date(r.at).toISOString(),
    current: policy !== null && r.version !== null && Number(r.version) === current,
    remindedAt: r.reminded_at === null ? null : new Date(r.reminded_at).toISOString(),
  }));
  const [counts] = await query<{ total: number; done: number }>(
    d,
    sql`select count(*)::int as total,
          count(*) filter (where exists (select 1 from usage_acknowledgements a where a.user_id = u.id and a.version = ${current}))::int as done
        from users u where u.org_id = ${orgId} and u.status = 'active'`,
  );
  return {
    policy,
    versions,
    people,
    acknowledged: policy ? Number(counts?.done ?? 0) : 0,
    pending: policy ? Number(counts?.total ?? 0) - Number(counts?.done ?? 0) : 0,
    truncated: Number(counts?.total ?? 0) > people.length,
  };
}

/**
 * Compliance reminds everyone who has not acknowledged the current version (or one person):
 * one in-app notification each, and an audit entry naming them. Returns how many were reminded.
 */
export async function remindUnacknowledged(viewer: Viewer, input: { userId?: string | null }, db?: Db): Promise<{ count: number; version: number }> {
  const d = db ?? (await getDb());
  const { orgId, actorId } = authorizeOrg(viewer, "compliance");
  return runCommand(d, async (c) => {
    const [p] = await query<{ version: number }>(c.tx, sql`select max(version) as version from usage_policies where org_id = ${orgId}`);
    const version = Number(p?.version ?? 0);
    if (!version) throw new UsagePolicyConflict("none");
    const targets = await query<{ id: string }>(
      c.tx,
      sql`select u.id from users u
          where u.org_id = ${orgId} and u.status = 'active' and u.id <> ${actorId}
            ${input.userId ? sql`and u.id = ${input.userId}` : sql``}
            and not exists (select 1 from usage_acknowledgements a where a.user_id = u.id and a.version = ${version})
          order by u.id`,
    );
    if (input.userId && !targets.length) {
      const [known] = await query<{ id: string }>(c.tx, sql`select id from users where id = ${input.userId} and org_id = ${orgId} and status = 'active'`);
      if (!known) notFound();
      throw new UsagePolicyConflict("acknowledged");
    }
    const t = now();
    if (targets.length) {
      await c.tx.insert(notifications).values(
        targets.map((u) => ({ id: newId(), orgId, userId: u.id, kind: USAGE_NOTIFICATION_KIND, subjectId: String(version), actorId, eventId: null, createdAt: t })),
      );
    }
    await c.audit({
      orgId,
      actorId,
      action: "usage_policy.remind",
      targetKind: input.userId ? "user" : "org",
      targetId: input.userId ?? orgId,
      data: { version, count: targets.length, userIds: targets.map((u) => u.id) },
    });
    return { count: targets.length, version };
  });
}
