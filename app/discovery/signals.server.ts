import { sql, type SQL } from "drizzle-orm";
import { getDb, query, type Db, type DbOrTx, type Tx } from "~/db/client.server";
import { ts } from "~/db/sql.server";
import { emit, type OutboxEvent } from "~/platform/outbox.server";
import type { Viewer } from "~/policy/policy";
import { readableContentCondition } from "~/policy/scopes.server";
import { now } from "~/utils/clock.server";

// Engagement signals: one decayed score per post, question and answer, maintained
// incrementally. The score is stored as of `score_at`; reading it "now" multiplies by
// 2^-(elapsed / half-life), so a burst of attention fades over days, not instantly.

export const HALF_LIFE_HOURS = 72;
/** A decayed score at or above this makes an item a candidate for review ("Rising"). */
export const CANDIDATE_THRESHOLD = 10;
export const WEIGHTS = { view: 1, reaction: 2, comment: 3, save: 4, share: 5, link: 3, vote: 2, accepted: 8 } as const;

const HALF_LIFE_S = HALF_LIFE_HOURS * 3600;

/** The score of alias `e` decayed to `at`. */
export const decayedScore = (at: Date, e = "e"): SQL =>
  sql`(${sql.raw(e)}.score * power(0.5, greatest(0, extract(epoch from (${ts(at)} - ${sql.raw(e)}.score_at))) / ${HALF_LIFE_S}))`;

type Counter = "viewers" | "reactions" | "comments" | "saves" | "shares" | "links" | "votes";

/**
 * Adds `weight` to an item's decayed score (and `delta` to a counter) as of `at`,
 * creating its row on first touch. One statement: concurrent bumps serialise on the row.
 */
async function bump(db: DbOrTx, contentId: string, at: Date, weight: number, counter: Counter | null, delta: number, extra: SQL = sql``) {
  const set = counter ? sql`, ${sql.raw(counter)} = engagement.${sql.raw(counter)} + ${delta}` : sql``;
  const initial = (c: Counter) => (counter === c ? delta : 0);
  const decayed = sql`engagement.score * power(0.5, greatest(0, extract(epoch from (excluded.score_at - engagement.score_at))) / ${HALF_LIFE_S}) + ${weight}::float8`;
  await db.execute(sql`
    with up as (
    insert into engagement (content_id, org_id, kind, score, score_at, viewers, reactions, comments, saves, shares, links, votes, candidate_at, rank)
    select c.id, c.org_id, c.kind, greatest(0, ${weight}::float8), ${ts(at)},
      ${initial("viewers")}, ${initial("reactions")}, ${initial("comments")}, ${initial("saves")}, ${initial("shares")}, ${initial("links")}, ${initial("votes")},
      case when ${weight}::float8 >= ${CANDIDATE_THRESHOLD} then ${ts(at)} else null end,
      ${rankKey(sql`greatest(0, ${weight}::float8)`, ts(at))}
    from content c where c.id = ${contentId} and c.kind in ('post', 'question', 'answer')
    on conflict (content_id) do update set
      score = greatest(0, ${decayed}),
      score_at = greatest(engagement.score_at, excluded.score_at),
      candidate_at = coalesce(engagement.candidate_at, case when ${decayed} >= ${CANDIDATE_THRESHOLD} then excluded.score_at else null end),
      rank = ${rankKey(sql`greatest(0, ${decayed})`, sql`greatest(engagement.score_at, excluded.score_at)`)}
      ${set}${extra}
    returning content_id, rank)
    update best_practices bp set rank = up.rank from up where bp.content_id = up.content_id`);
}

/** log2(score) + at / half-life: the one formula behind both rank columns. */
const rankKey = (score: SQL, at: SQL): SQL =>
  sql`(log(2, greatest(${score}, 0.001)::numeric)::float8 + extract(epoch from ${at})::float8 / ${HALF_LIFE_S})`;

/** Decayed score ≥ threshold at `at` ⇔ rank ≥ this: the Rising list's bound on the rank index. */
export const candidateRankFloor = (at: Date) => Math.log2(CANDIDATE_THRESHOLD) + at.getTime() / 1000 / HALF_LIFE_S;

/** The time-independent rank key of an engagement row (alias `e`): ordering by it orders by the decayed score. */
export const rankOf = (e: SQL): SQL => rankKey(sql`${e}.score`, sql`${e}.score_at`);

/**
 * Counts a signed-in person's first view of an item: an idempotent insert, and a
 * score bump only when the row is new. One round trip; no archive, no outbox.
 */
export async function recordView(viewer: Viewer, contentId: string, db?: Db): Promise<boolean> {
  if (!viewer.id || !viewer.orgId) return false;
  const d = db ?? (await getDb());
  const at = now();
  const rows = await query<{ content_id: string }>(
    d,
    sql`insert into content_views (content_id, user_id, org_id, department, viewed_at)
        select ${contentId}, ${viewer.id}, ${viewer.orgId}, ${viewer.department}, ${ts(at)}
        where exists (select 1 from content c where c.id = ${contentId} and c.kind in ('post', 'question', 'answer'))
        on conflict do nothing returning content_id`,
  );
  if (!rows.length) return false;
  await bump(d, contentId, at, WEIGHTS.view, "viewers", 1);
  return true;
}

const LINK_RE = /\/(?:posts|questions)\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/gi;

/** Item the signal of a comment counts toward: its post (a reply's post is one level further up). */
async function signalTarget(tx: Tx, parentId: string): Promise<string | null> {
  const [r] = await query<{ id: string; kind: string; parent_id: string | null }>(tx, sql`select id, kind, parent_id from content where id = ${parentId}`);
  if (!r) return null;
  return r.kind === "comment" ? r.parent_id : r.id;
}

type Payload = Record<string, unknown>;

/**
 * Outbox consumer: engagement from content, reaction, Q&A and discovery events. Runs in the
 * delivery's transaction with a receipt per event, so a redelivered event never counts twice.
 */
export async function engagementFromEvents(events: OutboxEvent[], tx: Tx) {
  for (const e of events) {
    const fresh = await query<{ event_id: number }>(
      tx,
      sql`insert into consumer_receipts (consumer, event_id) values ('discovery', ${e.id}) on conflict do nothing returning event_id`,
    );
    if (!fresh.length) continue;
    const p = e.payload as Payload;
    const at = e.createdAt;
    switch (e.topic) {
      case "reaction.added":
        await bump(tx, e.subjectId, at, WEIGHTS.reaction, "reactions", 1);
        break;
      case "reaction.removed":
        await bump(tx, e.subjectId, at, -WEIGHTS.reaction, "reactions", -1);
        break;
      case "content.created":
        await onCreated(tx, e, p);
        break;
      case "content.updated":
        await onUpdated(tx, e);
        break;
      case "discovery.saved":
        await bump(tx, e.subjectId, at, WEIGHTS.save, "saves", 1);
        break;
      case "discovery.unsaved":
        await bump(tx, e.subjectId, at, 0, "saves", -1);
        break;
      case "qa.vote.changed": {
        const diff = Number(p.value ?? 0) - Number(p.previous ?? 0);
        if (diff && typeof p.contentId === "string") await bump(tx, p.contentId, at, WEIGHTS.vote * diff, "votes", diff);
        break;
      }
      case "qa.answer.accepted":
        if (typeof p.answerId === "string") await bump(tx, p.answerId, at, WEIGHTS.accepted, null, 0, sql`, accepted = true`);
        break;
    }
  }
}

async function onCreated(tx: Tx, e: OutboxEvent, p: Payload) {
  const at = e.createdAt;
  const kind = String(p.kind ?? "");
  if ((kind === "comment" || kind === "answer") && typeof p.parentId === "string") {
    const target = await signalTarget(tx, p.parentId);
    if (target) await bump(tx, target, at, WEIGHTS.comment, "comments", 1);
  }
  if (typeof p.sharedId === "string") await bump(tx, p.sharedId, at, WEIGHTS.share, "shares", 1);
  // Links in the body (/posts/<id>, /questions/<id>): reuse, and duplicate-linked questions.
  const [row] = await query<{ body_text: string; body_json: unknown; org_id: string }>(tx, sql`select body_text, body_json, org_id from content where id = ${e.subjectId}`);
  if (!row) return;
  const haystack = `${row.body_text} ${JSON.stringify(row.body_json)}`;
  const targets = new Set([...haystack.matchAll(LINK_RE)].map((m) => m[1].toLowerCase()));
  targets.delete(e.subjectId);
  if (typeof p.sharedId === "string") targets.delete(p.sharedId); // a share counts once, as a share
  for (const target of targets) {
    const added = await query<{ target_id: string }>(
      tx,
      sql`insert into content_links (source_id, target_id, org_id, created_at)
          select ${e.subjectId}, c.id, c.org_id, ${ts(at)} from content c where c.id = ${target} and c.org_id = ${row.org_id}
          on conflict do nothing returning target_id`,
    );
    if (added.length) await bump(tx, target, at, WEIGHTS.link, "links", 1);
  }
}

/** An edit after approval: the approved version is no longer current, so amplification stops. */
async function onUpdated(tx: Tx, e: OutboxEvent) {
  const rows = await query<{ author_id: string; topic: string }>(
    tx,
    sql`select c.author_id, bp.topic from best_practices bp join content c on c.id = bp.content_id
        where bp.content_id = ${e.subjectId} and bp.status = 'approved' and bp.approved_version is distinct from c.version`,
  );
  for (const r of rows) {
    await emit(tx, { orgId: e.orgId, topic: "discovery.revoked", subjectId: e.subjectId, payload: { contentId: e.subjectId, authorId: r.author_id, tags: [r.topic], reason: "changed" } });
  }
}

export type RisingItem = { id: string; kind: string; score: number; candidateAt: string | null };

/** Items with the highest decayed score right now, among those the viewer may read. */
export async function risingItems(viewer: Viewer, opts: { limit?: number; minScore?: number } = {}, db?: Db): Promise<RisingItem[]> {
  if (!viewer.orgId) return [];
  const d = db ?? (await getDb());
  const at = now();
  // A score halves every HALF_LIFE_HOURS: after 10 half-lives nothing can still be a candidate.
  const horizon = new Date(at.getTime() - 10 * HALF_LIFE_S * 1000);
  const rows = await query<{ id: string; kind: string; score: number; candidate_at: string | null }>(
    d,
    sql`select e.content_id as id, e.kind, ${decayedScore(at)} as score, e.candidate_at
        from engagement e join content c on c.id = e.content_id
        where e.org_id = ${viewer.orgId} and e.score_at > ${ts(horizon)} and ${readableContentCondition(viewer, sql.raw("c"))}
          and ${decayedScore(at)} >= ${opts.minScore ?? 0}
        order by score desc, e.content_id limit ${opts.limit ?? 20}`,
  );
  return rows.map((r) => ({ id: r.id, kind: r.kind, score: Number(r.score), candidateAt: r.candidate_at ? new Date(r.candidate_at).toISOString() : null }));
}
