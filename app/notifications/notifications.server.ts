import { and, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import { getDb, query, type Db, type Tx } from "~/db/client.server";
import { textArray } from "~/db/sql.server";
import { notifications } from "~/db/schema";
import type { OutboxEvent } from "~/platform/outbox.server";
import { loadContentFacts } from "~/policy/facts.server";
import { readableContentCondition } from "~/policy/scopes.server";
import { can, threadHeld, type Viewer } from "~/policy/policy";
import { loadViewer } from "~/policy/viewer.server";
import { now } from "~/utils/clock.server";
import { newId } from "~/utils/ids";

import { NON_CONTENT_KINDS, type NotificationKind } from "./kinds";
export type { NotificationKind } from "./kinds";

// Q&A events whose payload names the people to tell (the Q&A clock chose them under the policy).
const QA_TARGETED: Record<string, NotificationKind> = {
  "qa.question.routed": "qa_routed",
  "qa.question.escalated": "qa_escalated",
  "qa.answer.reverify": "qa_reverify",
};

/**
 * Outbox consumer: turns content events into in-app notifications. Runs in the
 * delivery's transaction; the (event, user, kind) unique key makes a replay harmless.
 * A recipient is notified only if the policy lets them read the content.
 */
export async function notifyFromEvents(events: OutboxEvent[], tx: Tx) {
  for (const e of events) {
    const p = e.payload as { kind?: string; authorId?: string; parentId?: string | null; mentions?: string[]; userId?: string; userIds?: string[]; answerAuthorId?: string };
    const targets: { userId: string; kind: NotificationKind; actorId: string | null }[] = [];
    // content.published: a pre-approval post approved by its last tier is news only now
    if (e.topic === "content.created" || e.topic === "content.published") {
      for (const m of p.mentions ?? []) targets.push({ userId: m, kind: "mention", actorId: p.authorId ?? null });
      if (p.kind === "answer" && p.parentId) {
        // a new answer: everyone following the question (the asker follows their own)
        const followers = await query<{ user_id: string }>(
          tx,
          sql`select user_id from follows where target_kind = 'question' and target_id = ${p.parentId}`,
        );
        for (const f of followers) targets.push({ userId: f.user_id, kind: "answer", actorId: p.authorId ?? null });
      } else if (p.parentId) {
        const parent = (await loadContentFacts(tx, [p.parentId])).get(p.parentId);
        if (parent) targets.push({ userId: parent.authorId, kind: "reply", actorId: p.authorId ?? null });
      }
    } else if (QA_TARGETED[e.topic]) {
      for (const u of p.userIds ?? []) targets.push({ userId: u, kind: QA_TARGETED[e.topic], actorId: null });
    } else if (e.topic === "qa.answer.accepted") {
      if (p.answerAuthorId) targets.push({ userId: p.answerAuthorId, kind: "accepted", actorId: null });
    } else if (e.topic === "reaction.added") {
      if (p.authorId) targets.push({ userId: p.authorId, kind: "reaction", actorId: p.userId ?? null });
    }
    // pre-approval: the approvers of the tier it waits at, and the author of the outcome
    const approval = await approvalTargets(tx, e);
    if (!targets.length && !approval.length) continue;
    const facts = (await loadContentFacts(tx, [e.subjectId])).get(e.subjectId);
    if (!facts) continue;
    // held by pre-approval: nobody but its approvers and author is told before every tier
    // approves (content.published then); the read check below keeps a moved-on tier out
    if (threadHeld(facts)) targets.length = 0;
    targets.push(...approval);
    for (const t of targets) {
      if (t.userId === t.actorId) continue;
      const recipient = await loadViewer(tx, t.userId);
      if (!can(recipient, "read", facts)) continue;
      await tx
        .insert(notifications)
        .values({ id: newId(), orgId: e.orgId, userId: t.userId, kind: t.kind, subjectId: e.subjectId, actorId: t.actorId, eventId: e.id, createdAt: e.createdAt })
        .onConflictDoNothing();
    }
  }
}

const APPROVAL_OUTCOME: Record<string, NotificationKind> = { published: "approval_approved", rejected: "approval_rejected" };

/** Who a pre-approval event concerns: a thread held at a tier (new, advanced, resubmitted), or its outcome. */
async function approvalTargets(tx: Tx, e: OutboxEvent): Promise<{ userId: string; kind: NotificationKind; actorId: string | null }[]> {
  const p = e.payload as { held?: boolean; authorId?: string; actorId?: string; tier?: number; decision?: string; state?: string };
  let waitingTier: number | null = null;
  if (e.topic === "content.created" && p.held) waitingTier = 1;
  else if (e.topic === "content.approval" && p.state === "pending") waitingTier = p.decision === "resubmit" ? 1 : Number(p.tier ?? 0) + 1;
  else if (e.topic === "content.approval" && p.state && APPROVAL_OUTCOME[p.state] && p.authorId) {
    return [{ userId: p.authorId, kind: APPROVAL_OUTCOME[p.state], actorId: p.actorId ?? null }];
  }
  if (waitingTier === null) return [];
  const approvers = await query<{ user_id: string }>(
    tx,
    sql`select a.user_id from space_approvers a join content c on c.space_id = a.space_id
        where c.id = ${e.subjectId} and a.tier = ${waitingTier} order by a.user_id`,
  );
  return approvers.map((a) => ({ userId: a.user_id, kind: "approval_requested" as const, actorId: p.authorId ?? null }));
}

type NotificationRow = { id: string; kind: NotificationKind; subject_id: string; actor_id: string | null; actor_name: string | null; created_at: string | Date; read_at: string | Date | null; post_id: string; thread_kind: "post" | "question"; excerpt: string };

// 25 a page, older ones a link away (as GitHub pages notifications): the page renders a form per row
export const NOTIFICATION_PAGE = 25;

/** Cursor of a page: the last row's (created_at, id), so paging never skips or repeats a row. */
const encodeCursor = (r: { created_at: string | Date; id: string }) => Buffer.from(`${new Date(r.created_at).toISOString()}|${r.id}`).toString("base64url");
function decodeCursor(raw: string | null | undefined): { at: string; id: string } | null {
  if (!raw) return null;
  const [at, id] = Buffer.from(raw, "base64url").toString("utf8").split("|");
  return at && id && !Number.isNaN(Date.parse(at)) && id.length <= 64 ? { at: new Date(at).toISOString(), id } : null;
}

/** One page (newest first) of what the person may still read, and the cursor of the next page. */
/** `opts.viewer`: the person's policy facts when the caller has them (a page's request did): one statement fewer. */
export async function listNotifications(userId: string, opts: { before?: string | null; limit?: number; viewer?: Viewer } = {}, db?: Db) {
  const d = db ?? (await getDb());
  const limit = opts.limit ?? NOTIFICATION_PAGE;
  const before = decodeCursor(opts.before);
  const rows = await query<NotificationRow>(
    d,
    sql`select n.id, n.kind, n.subject_id, n.actor_id, a.name as actor_name, n.created_at, n.read_at,
          coalesce(c.root_id, c.id, n.subject_id) as post_id,
          case when (select r.kind from content r where r.id = coalesce(c.root_id, c.id)) = 'question' then 'question' else 'post' end as thread_kind,
          case when n.kind = 'usage_policy' then (select left(p.title, 140) from usage_policies p where p.org_id = n.org_id and p.version::text = n.subject_id)
               else left(case when c.kind = 'question' then c.title else c.body_text end, 140) end as excerpt
        from notifications n left join users a on a.id = n.actor_id left join content c on c.id = n.subject_id
        where n.user_id = ${userId} and (n.kind = 'usage_policy' or (c.id is not null and c.deleted_at is null))
          ${before ? sql`and (n.created_at, n.id) < (${before.at}::timestamptz, ${before.id})` : sql``}
        order by n.created_at desc, n.id desc limit ${limit + 1}`,
  );
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  // Permissions may have changed since the notification was made (a barrier, a
  // space turned private, the post deleted): show only what the policy allows today,
  // judged on the whole thread, so no excerpt outlives the viewer's right to read it.
  const viewer = opts.viewer?.id === userId ? opts.viewer : await loadViewer(d, userId);
  const facts = await loadContentFacts(d, page.filter((r) => !NON_CONTENT_KINDS.includes(r.kind)).map((r) => r.subject_id));
  const items = page.filter((r) => {
    if (NON_CONTENT_KINDS.includes(r.kind)) return true; // about the person themselves
    const f = facts.get(r.subject_id);
    return !!f && can(viewer, "read", f);
  });
  return { items, nextCursor: more ? encodeCursor(page[page.length - 1]) : null };
}

export type NotificationGroup = {
  ids: string[];
  kind: NotificationKind;
  postId: string;
  subjectId: string;
  threadKind: "post" | "question";
  actorName: string | null;
  /** other distinct people in the group ("Bob and 3 others reacted") */
  others: number;
  unread: boolean;
  at: string;
  excerpt: string;
};

// Kinds that pile up on one item: reactions on the same post or comment, replies and answers in one thread.
const GROUPED: Partial<Record<NotificationKind, (r: NotificationRow) => string>> = {
  reaction: (r) => `reaction:${r.subject_id}`,
  reply: (r) => `reply:${r.post_id}`,
  answer: (r) => `answer:${r.post_id}`,
};

/** Groups a page of notifications, newest first; a group is unread while any of its notifications is. */
export function groupNotifications(rows: NotificationRow[]): NotificationGroup[] {
  const groups: NotificationGroup[] = [];
  const byKey = new Map<string, { g: NotificationGroup; actors: Set<string> }>();
  for (const r of rows) {
    const key = GROUPED[r.kind]?.(r) ?? `one:${r.id}`;
    const unread = r.read_at === null;
    const actor = r.actor_id ?? `?${r.id}`;
    const known = byKey.get(key);
    if (known) {
      known.g.ids.push(r.id);
      known.g.unread ||= unread;
      if (!known.actors.has(actor)) {
        known.actors.add(actor);
        known.g.others++;
      }
      continue;
    }
    const g: NotificationGroup = {
      ids: [r.id],
      kind: r.kind,
      postId: r.post_id,
      subjectId: r.subject_id, // the newest item of the group
      threadKind: r.thread_kind,
      actorName: r.actor_name,
      others: 0,
      unread,
      at: new Date(r.created_at).toISOString(),
      excerpt: r.excerpt,
    };
    groups.push(g);
    byKey.set(key, { g, actors: new Set([actor]) });
  }
  return groups;
}

/** Where opening a notification goes: the thread, at the item it is about. */
export function notificationHref(g: Pick<NotificationGroup, "threadKind" | "postId" | "subjectId"> & { kind?: NotificationKind }) {
  if (g.kind === "usage_policy") return "/policy";
  const base = g.threadKind === "question" ? "/questions" : "/posts";
  return g.subjectId === g.postId ? `${base}/${g.postId}` : `${base}/${g.postId}#post-${g.subjectId}`;
}

/**
 * Unread notifications the person may still read (the content `read` rule in its SQL form, as the
 * list's facts are judged by can()). Every signed-in page shows the badge and most people have
 * nothing unread: the newest 100 unread are found first through the user's index alone (a plan that
 * costs nothing to make), and only their content subjects go through the read rule, in a second
 * statement that runs only when there are some.
 */
export async function unreadCount(userId: string, db?: Db, viewerFacts?: Viewer) {
  const d = db ?? (await getDb());
  const nonContent = sql.join(NON_CONTENT_KINDS.map((k) => sql`${k}`), sql`, `);
  const unread = await query<{ subject_id: string; kind: NotificationKind }>(
    d,
    sql`select n.subject_id, n.kind from notifications n left join content c on c.id = n.subject_id
        where n.user_id = ${userId} and n.read_at is null and (n.kind in (${nonContent}) or (c.id is not null and c.deleted_at is null))
        order by n.created_at desc limit 100`,
  );
  const aboutContent = unread.filter((n) => !NON_CONTENT_KINDS.includes(n.kind));
  if (aboutContent.length === 0) return unread.length;
  const viewer = viewerFacts ?? (await loadViewer(d, userId));
  const readable = await query<{ id: string }>(
    d,
    sql`select c.id from content c where c.id = any(${textArray([...new Set(aboutContent.map((n) => n.subject_id))])})
        and ${readableContentCondition(viewer, sql.raw("c"))}`,
  );
  const ids = new Set(readable.map((r) => r.id));
  return unread.length - aboutContent.length + aboutContent.filter((n) => ids.has(n.subject_id)).length;
}

export async function markRead(userId: string, ids: string[] | "all", db?: Db) {
  const d = db ?? (await getDb());
  const cond = ids === "all" ? eq(notifications.userId, userId) : and(eq(notifications.userId, userId), inArray(notifications.id, ids.length ? ids : ["-"]));
  await d.update(notifications).set({ readAt: now() }).where(and(cond, isNull(notifications.readAt)));
}

export async function recentForDigest(userId: string, since: Date, db?: Db) {
  const d = db ?? (await getDb());
  return d
    .select()
    .from(notifications)
    .where(and(eq(notifications.userId, userId), sql`${notifications.createdAt} > ${since.toISOString()}::timestamptz`))
    .orderBy(desc(notifications.createdAt))
    .limit(50);
}

