import { sql, type SQL } from "drizzle-orm";
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
import { decodeRankCursor, encodeRankCursor, type RankCursor } from "./rank-cursor.server";

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
      // the rank key from the item's engagement, so the queue's Nominated section sorts by score
      sql`insert into best_practices (content_id, org_id, entry_kind, status, created_at, version, rank)
          values (${contentId}, ${facts.orgId}, ${entryKind}, 'pending', ${ts(t)}, 1,
            coalesce((select e.rank from engagement e where e.content_id = ${contentId}), -1e9))
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

/** The queue's sections, in the order the page shows them. */
export const REVIEW_SECTIONS = ["stale", "changed", "nominated", "faq", "rising"] as const;
export type ReviewSection = (typeof REVIEW_SECTIONS)[number];

export type QueueItem = {
  id: string;
  kind: string;
  reason: ReviewSection;
  score: number;
  nominations: { name: string; reason: string }[];
  status: string | null;
  excerpt: string;
  authorId: string;
  authorName: string;
  topic: string;
};

export type QueueSection = {
  section: ReviewSection;
  items: QueueItem[];
  /** Readable items in the section; a lower bound when `countCapped` (Rising: "100+"). */
  count: number;
  countCapped: boolean;
  /** The next page of this section, or null on its last page. */
  nextCursor: string | null;
};

/** Items per section and page. */
export const REVIEW_PAGE = 20;
/**
 * Rising is counted by reading its candidates down engagement_org_rank_idx (each one checked
 * against the read rule), so the count stops here and shows as "100+": an exact count would
 * check every engagement row above the threshold (~5,000 at 1,000,000 posts).
 */
export const RISING_COUNT_CAP = 100;

export type ReviewCursor = RankCursor;
export const encodeReviewCursor = encodeRankCursor;
export const decodeReviewCursor = decodeRankCursor;

/** After the cursor in (rank desc, id asc) order; `rank <=` bounds the index scan. */
const afterCursor = (cursor: ReviewCursor | null | undefined, rank: SQL, id: SQL): SQL =>
  cursor ? sql`and ${rank} <= ${cursor.rank}::float8 and (${rank} < ${cursor.rank}::float8 or ${id} > ${cursor.id})` : sql``;

/**
 * Which best_practices rows make each decided section (alias bp, its content c). They are
 * read down best_practices_org_rank_idx (org, status, rank desc, content id): bp.rank mirrors
 * the item's engagement rank (kept by every bump, set on nomination and decision).
 */
const DECIDED = {
  stale: () => sql`bp.status = 'stale'`,
  changed: (at: Date) => sql`bp.status = 'approved' and (bp.approved_version is distinct from c.version or bp.reverify_at <= ${ts(at)})`,
  nominated: () => sql`bp.status = 'pending'`,
} as const;

// Literals, not parameters: the planner then matches engagement_org_faq_idx's predicate.
const faqCondition = (orgId: string) =>
  sql`e.org_id = ${orgId} and e.kind = 'question' and (e.viewers >= ${sql.raw(String(FAQ_VIEWS))} or e.links >= ${sql.raw(String(FAQ_LINKS))})
    and not exists (select 1 from best_practices bp where bp.content_id = e.content_id)`;

type Row = { id: string; kind: string; rank: number; score: number | null; status: string | null; excerpt: string; author_id: string; author_name: string; topic: string | null };

/**
 * The review queue, a page per section: items due for re-verification, changed since approval,
 * nominated, FAQ candidates (questions viewed or duplicate-linked often) and Rising candidates
 * not yet decided — each the viewer may read, best score first (then id). Every section reads
 * at most a page plus one row from its own index (the extra row says whether there is more);
 * nominations are fetched for the items shown. Without `section`, every section's first page;
 * with it, that section from `cursor`.
 */
export async function reviewQueue(
  viewer: Viewer,
  opts: { section?: ReviewSection; cursor?: ReviewCursor | null; limit?: number } = {},
  db?: Db,
): Promise<QueueSection[]> {
  const { orgId } = authorizeOrg(viewer, "curate");
  const d = db ?? (await getDb());
  const at = now();
  const limit = Math.max(1, Math.min(opts.limit ?? REVIEW_PAGE, 100));
  const sections = opts.section ? [opts.section] : [...REVIEW_SECTIONS];
  const cursor = opts.section ? (opts.cursor ?? null) : null;
  const readable = readableContentCondition(viewer, sql.raw("c"));
  const cols = sql`c.id, c.kind, ${decayedScore(at)} as score, left(c.body_text, 240) as excerpt, c.author_id, au.name as author_name`;

  const decidedPage = (s: keyof typeof DECIDED) =>
    query<Row>(
      d,
      sql`select ${cols}, bp.rank, bp.status, bp.topic
          from best_practices bp join content c on c.id = bp.content_id join users au on au.id = c.author_id
            left join engagement e on e.content_id = bp.content_id
          where bp.org_id = ${orgId} and ${DECIDED[s](at)} ${afterCursor(cursor, sql`bp.rank`, sql`bp.content_id`)} and ${readable}
          order by bp.rank desc nulls last, bp.content_id limit ${limit + 1}`,
    );
  // FAQ candidates are few (questions past the thresholds, not yet in review): sorted after the filter
  const faqPage = () =>
    query<Row>(
      d,
      sql`select ${cols}, e.rank, null as status, null as topic
          from engagement e join content c on c.id = e.content_id join users au on au.id = c.author_id
          where ${faqCondition(orgId)} ${afterCursor(cursor, sql`e.rank`, sql`e.content_id`)} and ${readable}
          order by e.rank desc nulls last, e.content_id limit ${limit + 1}`,
    );
  const hydrate = async (ids: string[]) => {
    if (!ids.length) return [];
    const rows = await query<Row>(
      d,
      sql`select ${cols}, e.rank, null as status, null as topic
          from content c join users au on au.id = c.author_id join engagement e on e.content_id = c.id
          where c.id = any(${textArray(ids)}) and ${readable}`,
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  };

  const sectionPage = async (s: ReviewSection): Promise<{ section: ReviewSection; rows: Row[]; count?: number; capped?: boolean }> => {
    if (s === "faq") return { section: s, rows: await faqPage() };
    if (s !== "rising") return { section: s, rows: await decidedPage(s) };
    // Rising's capped count walks the same index as its first page: one walk serves both
    if (!cursor) {
      const ids = await risingIds(d, viewer, orgId, at, RISING_COUNT_CAP + 1, null);
      return { section: s, rows: await hydrate(ids.slice(0, limit + 1)), count: Math.min(ids.length, RISING_COUNT_CAP), capped: ids.length > RISING_COUNT_CAP };
    }
    const [ids, all] = await Promise.all([risingIds(d, viewer, orgId, at, limit + 1, cursor), risingIds(d, viewer, orgId, at, RISING_COUNT_CAP + 1, null)]);
    return { section: s, rows: await hydrate(ids), count: Math.min(all.length, RISING_COUNT_CAP), capped: all.length > RISING_COUNT_CAP };
  };
  const [counted, pages] = await Promise.all([
    countSections(d, viewer, orgId, at, sections.filter((s) => s !== "rising")),
    Promise.all(sections.map(sectionPage)),
  ]);

  const shown = pages.flatMap((p) => p.rows.slice(0, limit).map((r) => r.id));
  const noms = shown.length
    ? await query<{ content_id: string; name: string; reason: string }>(
        d,
        sql`select n.content_id, u.name, n.reason from nominations n join users u on u.id = n.nominator_id
            where n.content_id = any(${textArray(shown)}) order by n.created_at`,
      )
    : [];
  return pages.map(({ section, rows, count, capped }) => {
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      section,
      items: page.map((r) => ({
        id: r.id,
        kind: r.kind,
        reason: section,
        score: Math.round(Number(r.score ?? 0) * 10) / 10,
        nominations: noms.filter((n) => n.content_id === r.id).map((n) => ({ name: n.name, reason: n.reason })),
        status: r.status,
        excerpt: r.excerpt,
        authorId: r.author_id,
        authorName: r.author_name,
        topic: r.topic ?? "",
      })),
      count: count ?? counted[section] ?? 0,
      countCapped: capped ?? false,
      nextCursor: rows.length > limit && last ? encodeReviewCursor({ rank: Number(last.rank), id: last.id }) : null,
    };
  });
}

/** Exact counts of readable items for the decided sections and FAQ, in one statement. */
async function countSections(d: Db, viewer: Viewer, orgId: string, at: Date, sections: ReviewSection[]): Promise<Partial<Record<ReviewSection, number>>> {
  if (!sections.length) return {};
  const readable = readableContentCondition(viewer, sql.raw("c"));
  const one = (s: ReviewSection): SQL =>
    s === "faq"
      ? sql`(select count(*)::int from engagement e join content c on c.id = e.content_id where ${faqCondition(orgId)} and ${readable})`
      : sql`(select count(*)::int from best_practices bp join content c on c.id = bp.content_id
             where bp.org_id = ${orgId} and ${DECIDED[s as keyof typeof DECIDED](at)} and ${readable})`;
  const [row] = await query<Record<string, number>>(d, sql`select ${sql.join(sections.map((s) => sql`${one(s)} as ${sql.raw(s)}`), sql`, `)}`);
  return Object.fromEntries(sections.map((s) => [s, Number(row?.[s] ?? 0)]));
}

/**
 * Rising candidates not yet in review, best first, after `cursor`: engagement rows above the
 * candidate threshold, read down engagement_org_rank_idx a window at a time and only then checked
 * against content (the read rule) and best_practices. One statement would let the planner check
 * every row above the threshold before sorting (at 1,000,000 posts: ~5,000 content lookups for 100 rows).
 */
async function risingIds(d: Db, viewer: Viewer, orgId: string, at: Date, limit: number, cursor: ReviewCursor | null): Promise<string[]> {
  const readable = readableContentCondition(viewer, sql.raw("c"));
  let ids: string[] = [];
  for (const window of [limit * 2, limit * 20, 1_000_000]) {
    const rows = await query<{ id: string | null; scanned: number }>(
      d,
      sql`with top as materialized (
            select e.content_id, e.rank from engagement e
            where e.org_id = ${orgId} and e.kind in ('post', 'answer') and e.rank >= ${candidateRankFloor(at)}
              ${afterCursor(cursor, sql`e.rank`, sql`e.content_id`)}
            order by e.rank desc nulls last, e.content_id limit ${window})
          select x.id, (select count(*) from top)::int as scanned from (select 1) one left join lateral (
            select t.content_id as id, t.rank from top t join content c on c.id = t.content_id
            where ${readable} and not exists (select 1 from best_practices bp where bp.content_id = t.content_id)
            order by t.rank desc nulls last, t.content_id limit ${limit}) x on true`,
    );
    ids = rows.flatMap((r) => (r.id ? [r.id] : []));
    // a full list, or every row above the threshold was looked at
    if (ids.length >= limit || (rows[0]?.scanned ?? 0) < window) break;
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
