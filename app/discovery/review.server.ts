import { sql } from "drizzle-orm";
import { getDb, query, type Db, type Tx } from "~/db/client.server";
import { textArray, ts } from "~/db/sql.server";
import { runCommand, type Command } from "~/compliance/command.server";
import { authorize, authorizeOrg } from "~/policy/authorize.server";
import { loadContentFacts } from "~/policy/facts.server";
import type { Viewer } from "~/policy/policy";
import { readableContentCondition } from "~/policy/scopes.server";
import { now } from "~/utils/clock.server";
import { newId } from "~/utils/ids";
import { candidateRankFloor, decayedScore, HALF_LIFE_HOURS, rankOf } from "./signals.server";

// Nomination and review. Any reader nominates; curators decide. Every decision is a
// command: the best_practices row, its archive version (subject kind best_practice,
// carrying the exact approved content version) and the outbox event commit together.

export type Failure = { ok: false; field: string; error: DiscoveryErrorKey; status: 400 | 409 };
export type DiscoveryErrorKey =
  | "discovery.error.reasonRequired"
  | "discovery.error.alreadyNominated"
  | "discovery.error.reverifyPast"
  | "discovery.error.topicRequired"
  | "discovery.error.notReviewable"
  | "discovery.error.ownerInvalid";

const fail = (field: string, error: DiscoveryErrorKey, status: 400 | 409 = 400): Failure => ({ ok: false, field, error, status });

async function contentOrNotFound(db: Db, viewer: Viewer, id: string, action: "nominate" | "curate") {
  const facts = (await loadContentFacts(db, [id])).get(id);
  authorize(viewer, action, facts);
  return facts;
}

/** The decision record's next archive version, with the row locked for the command. */
async function lockRecord(tx: Tx, contentId: string) {
  const [r] = await query<{ version: number; status: string; approved_version: number | null; topic: string; owner_id: string | null }>(
    tx,
    sql`select version, status, approved_version, topic, owner_id from best_practices where content_id = ${contentId} for update`,
  );
  return r ?? null;
}

async function archiveDecision(c: Command, orgId: string, contentId: string, version: number, actorId: string, data: Record<string, unknown>, action: "create" | "moderate" | "expire" = "moderate") {
  await c.archive({ orgId, subjectKind: "best_practice", subjectId: contentId, version, action, actorId, data, at: now() });
}

export async function nominate(viewer: Viewer, contentId: string, reason: string, db?: Db): Promise<{ ok: true } | Failure> {
  const d = db ?? (await getDb());
  const facts = await contentOrNotFound(d, viewer, contentId, "nominate");
  const why = reason.trim();
  if (!why) return fail("reason", "discovery.error.reasonRequired");
  const t = now();
  return runCommand(d, async (c) => {
    const added = await query<{ id: string }>(
      c.tx,
      sql`insert into nominations (id, org_id, content_id, nominator_id, reason, created_at)
          values (${newId()}, ${facts.orgId}, ${contentId}, ${viewer.id}, ${why}, ${ts(t)})
          on conflict (content_id, nominator_id) do nothing returning id`,
    );
    if (!added.length) return fail("reason", "discovery.error.alreadyNominated", 409);
    // A nomination opens (or reopens) review unless the item is approved and current.
    const entryKind = facts.contentKind === "question" ? "faq" : "practice";
    const [rec] = await query<{ version: number }>(
      c.tx,
      sql`insert into best_practices (content_id, org_id, entry_kind, status, created_at, version)
          values (${contentId}, ${facts.orgId}, ${entryKind}, 'pending', ${ts(t)}, 1)
          on conflict (content_id) do update set
            status = case when best_practices.status in ('rejected', 'changes_requested') then 'pending' else best_practices.status end,
            version = best_practices.version + 1
          returning version`,
    );
    await archiveDecision(c, facts.orgId, contentId, rec.version, viewer.id!, { decision: "nominate", nominatorId: viewer.id, reason: why, contentVersion: null }, "create");
    await c.emit({ orgId: facts.orgId, topic: "discovery.nominated", subjectId: contentId, payload: { contentId, nominatorId: viewer.id, authorId: facts.authorId } });
    return { ok: true as const };
  });
}

export type Decision =
  | { decision: "approve"; topic: string; ownerId: string; reverifyAt: Date }
  | { decision: "request_changes"; reason: string }
  | { decision: "reject"; reason: string };

/** A curator's decision on an item. The approved version is the one current when the curator decides. */
export async function decide(viewer: Viewer, contentId: string, input: Decision, db?: Db): Promise<{ ok: true } | Failure> {
  const d = db ?? (await getDb());
  authorizeOrg(viewer, "curate");
  const facts = await contentOrNotFound(d, viewer, contentId, "curate");
  const t = now();
  if (input.decision === "approve") {
    if (!input.topic.trim()) return fail("topic", "discovery.error.topicRequired");
    if (!(input.reverifyAt.getTime() > t.getTime())) return fail("reverifyAt", "discovery.error.reverifyPast");
    const [owner] = await query<{ id: string }>(d, sql`select id from users where id = ${input.ownerId} and org_id = ${facts.orgId} and status = 'active'`);
    if (!owner) return fail("ownerId", "discovery.error.ownerInvalid");
  } else if (!input.reason.trim()) {
    return fail("reason", "discovery.error.reasonRequired");
  }
  return runCommand(d, async (c) => {
    const [cur] = await query<{ version: number; deleted_at: unknown }>(c.tx, sql`select version, deleted_at from content where id = ${contentId} for share`);
    if (!cur || cur.deleted_at) return fail("decision", "discovery.error.notReviewable");
    const prev = await lockRecord(c.tx, contentId);
    const version = (prev?.version ?? 0) + 1;
    const entryKind = facts.contentKind === "question" ? "faq" : "practice";
    const approve = input.decision === "approve" ? input : null;
    const status = approve ? "approved" : input.decision === "reject" ? "rejected" : "changes_requested";
    const reason = approve ? "" : (input as { reason: string }).reason.trim();
    await c.tx.execute(sql`
      insert into best_practices (content_id, org_id, entry_kind, status, topic, owner_id, reverify_at, approved_version, approved_at, reviewer_id, decided_at, reason, version, created_at)
      values (${contentId}, ${facts.orgId}, ${entryKind}, ${status}, ${approve ? approve.topic.trim().toLowerCase() : ""}, ${approve?.ownerId ?? null},
        ${approve ? ts(approve.reverifyAt) : null}, ${approve ? cur.version : null}, ${approve ? ts(t) : null}, ${viewer.id}, ${ts(t)}, ${reason}, ${version}, ${ts(t)})
      on conflict (content_id) do update set
        entry_kind = excluded.entry_kind, status = excluded.status,
        topic = case when excluded.status = 'approved' then excluded.topic else best_practices.topic end,
        owner_id = coalesce(excluded.owner_id, best_practices.owner_id),
        reverify_at = case when excluded.status = 'approved' then excluded.reverify_at else best_practices.reverify_at end,
        approved_version = excluded.approved_version, approved_at = excluded.approved_at,
        reviewer_id = excluded.reviewer_id, decided_at = excluded.decided_at, reason = excluded.reason, version = excluded.version`);
    // the library's rank key, from the item's engagement (none yet: ranked by approval time, lowest)
    await c.tx.execute(sql`update best_practices bp set rank = coalesce(
        (select ${rankOf(sql.raw("e"))} from engagement e where e.content_id = bp.content_id),
        log(2, 0.001)::float8 + extract(epoch from ${ts(t)})::float8 / ${HALF_LIFE_HOURS * 3600}),
        -- the approved version's words for the library's search (shown only while that version is current)
        search_text = case when bp.status = 'approved'
          then (select coalesce(c.title, '') || ' ' || c.body_text || ' ' || bp.topic from content c where c.id = bp.content_id)
          else bp.search_text end
      where bp.content_id = ${contentId}`);
    await archiveDecision(c, facts.orgId, contentId, version, viewer.id!, {
      decision: input.decision,
      reviewerId: viewer.id,
      at: t.toISOString(),
      contentVersion: cur.version,
      topic: approve?.topic.trim().toLowerCase() ?? null,
      ownerId: approve?.ownerId ?? null,
      reverifyAt: approve?.reverifyAt.toISOString() ?? null,
      reason,
    });
    const payload = { contentId, authorId: facts.authorId, tags: approve ? [approve.topic.trim().toLowerCase()] : prev?.topic ? [prev.topic] : [] };
    if (approve) await c.emit({ orgId: facts.orgId, topic: "discovery.approved", subjectId: contentId, payload });
    else if (prev?.status === "approved") await c.emit({ orgId: facts.orgId, topic: "discovery.revoked", subjectId: contentId, payload: { ...payload, reason: input.decision } });
    else await c.emit({ orgId: facts.orgId, topic: "discovery.decided", subjectId: contentId, payload: { ...payload, decision: input.decision } });
    return { ok: true as const };
  });
}

export type QueueItem = {
  id: string;
  kind: string;
  reason: "nominated" | "rising" | "stale" | "changed" | "faq";
  score: number;
  nominations: { name: string; reason: string }[];
  status: string | null;
  excerpt: string;
  authorId: string;
  authorName: string;
  topic: string;
};

/** At most this many Rising candidates (the highest scores) are shown at once. */
export const RISING_LIMIT = 100;

/**
 * The review queue: nominated items, rising candidates not yet decided, frequently viewed or
 * duplicate-linked questions (FAQ candidates), approved items that went stale or changed since approval.
 * Each source reads its own index and stops at its limit: Rising walks engagement_org_rank_idx from
 * the top down to the candidate threshold, so no engagement row is decayed just to be discarded.
 */
export async function reviewQueue(viewer: Viewer, db?: Db): Promise<QueueItem[]> {
  const { orgId } = authorizeOrg(viewer, "curate");
  const d = db ?? (await getDb());
  const at = now();
  const readable = readableContentCondition(viewer, sql.raw("c"));
  const rising = await risingIds(d, viewer, orgId, at);
  const rows = await query<{ id: string; kind: string; why: string; score: number | null; status: string | null; excerpt: string; author_id: string; author_name: string; topic: string | null }>(
    d,
    sql`with decided as (
          select bp.content_id as id,
            case when bp.status = 'stale' then 'stale'
                 when bp.status = 'approved' then 'changed'
                 else 'nominated' end as why
          from best_practices bp join content c on c.id = bp.content_id
          where bp.org_id = ${orgId} and (bp.status in ('pending', 'stale')
            or (bp.status = 'approved' and (bp.approved_version is distinct from c.version or bp.reverify_at <= ${ts(at)})))
          limit 400
        ), rising as (
          select r.id, 'rising' as why from unnest(${textArray(rising)}) as r(id)
        ), faq as (
          select e.content_id as id, 'faq' as why from engagement e
          where e.org_id = ${orgId} and e.kind = 'question' and (e.viewers >= ${FAQ_VIEWS} or e.links >= ${FAQ_LINKS})
            and not exists (select 1 from best_practices bp where bp.content_id = e.content_id)
          limit 100
        ), picked as (select * from decided union all select * from rising union all select * from faq)
        select p.id, c.kind, p.why, ${decayedScore(at)} as score, bp.status, left(c.body_text, 240) as excerpt,
          c.author_id, au.name as author_name, bp.topic
        from picked p join content c on c.id = p.id join users au on au.id = c.author_id
          left join engagement e on e.content_id = p.id left join best_practices bp on bp.content_id = p.id
        where ${readable}`,
  );
  const ids = rows.map((r) => r.id);
  const noms = ids.length
    ? await query<{ content_id: string; name: string; reason: string }>(
        d,
        sql`select n.content_id, u.name, n.reason from nominations n join users u on u.id = n.nominator_id
            where n.content_id = any(${textArray(ids)}) order by n.created_at`,
      )
    : [];
  const order = { stale: 0, changed: 1, nominated: 2, faq: 3, rising: 4 } as const;
  return rows
    .map((r) => ({
      id: r.id,
      kind: r.kind,
      reason: r.why as QueueItem["reason"],
      score: Math.round(Number(r.score ?? 0) * 10) / 10,
      nominations: noms.filter((n) => n.content_id === r.id).map((n) => ({ name: n.name, reason: n.reason })),
      status: r.status,
      excerpt: r.excerpt,
      authorId: r.author_id,
      authorName: r.author_name,
      topic: r.topic ?? "",
    }))
    .sort((a, b) => order[a.reason] - order[b.reason] || b.score - a.score || a.id.localeCompare(b.id));
}

/**
 * Rising candidates not yet in review, best first: engagement rows above the candidate threshold,
 * read down engagement_org_rank_idx a window at a time and only then checked against content (the
 * read rule) and best_practices. One statement would let the planner check every row above the
 * threshold before sorting (at 1,000,000 posts: ~5,000 content lookups for 100 rows).
 */
async function risingIds(d: Db, viewer: Viewer, orgId: string, at: Date): Promise<string[]> {
  const readable = readableContentCondition(viewer, sql.raw("c"));
  let ids: string[] = [];
  for (const window of [RISING_LIMIT * 2, RISING_LIMIT * 20, 1_000_000]) {
    const rows = await query<{ id: string | null; scanned: number }>(
      d,
      sql`with top as materialized (
            select e.content_id, e.rank from engagement e
            where e.org_id = ${orgId} and e.kind in ('post', 'answer') and e.rank >= ${candidateRankFloor(at)}
            order by e.rank desc nulls last, e.content_id limit ${window})
          select x.id, (select count(*) from top)::int as scanned from (select 1) one left join lateral (
            select t.content_id as id, t.rank from top t join content c on c.id = t.content_id
            where ${readable} and not exists (select 1 from best_practices bp where bp.content_id = t.content_id)
            order by t.rank desc nulls last, t.content_id limit ${RISING_LIMIT}) x on true`,
    );
    ids = rows.flatMap((r) => (r.id ? [r.id] : []));
    // a full list, or every row above the threshold was looked at
    if (ids.length >= RISING_LIMIT || (rows[0]?.scanned ?? 0) < window) break;
  }
  return ids;
}

/** A question viewed by this many people, or linked from this many items, is an FAQ candidate. */
export const FAQ_VIEWS = 25;
export const FAQ_LINKS = 2;

/**
 * Periodic job (every instance): approved items past their re-verify date go stale. The
 * conditional UPDATE is the claim, so two instances never expire (or notify) the same item twice.
 */
export async function expireDue(db: Db, at: Date = now()): Promise<number> {
  const due = await query<{ content_id: string }>(
    db,
    sql`select content_id from best_practices where status = 'approved' and reverify_at <= ${ts(at)} order by reverify_at limit 200`,
  );
  let n = 0;
  for (const { content_id } of due) {
    const done = await runCommand(db, async (c) => {
      const [r] = await query<{ org_id: string; version: number; owner_id: string | null; topic: string; author_id: string; reverify_at: string }>(
        c.tx,
        sql`update best_practices bp set status = 'stale', version = bp.version + 1
            from content c where c.id = bp.content_id and bp.content_id = ${content_id} and bp.status = 'approved' and bp.reverify_at <= ${ts(at)}
            returning bp.org_id, bp.version, bp.owner_id, bp.topic, c.author_id, bp.reverify_at`,
      );
      if (!r) return false; // another instance got there first
      await c.archive({
        orgId: r.org_id,
        subjectKind: "best_practice",
        subjectId: content_id,
        version: r.version,
        action: "expire",
        actorId: "system",
        data: { decision: "stale", reverifyAt: new Date(r.reverify_at).toISOString(), at: at.toISOString() },
        at,
      });
      const owner = r.owner_id ?? r.author_id;
      await c.tx.execute(
        sql`insert into notifications (id, org_id, user_id, kind, subject_id, actor_id, event_id, created_at)
            values (${newId()}, ${r.org_id}, ${owner}, 'reverify', ${content_id}, null, null, ${ts(at)})`,
      );
      await c.emit({ orgId: r.org_id, topic: "discovery.revoked", subjectId: content_id, payload: { contentId: content_id, authorId: r.author_id, tags: [r.topic], reason: "stale" } });
      return true;
    });
    if (done) n++;
  }
  return n;
}
