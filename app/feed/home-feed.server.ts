import { sql, type SQL } from "drizzle-orm";
import { getDb, query, type Db } from "~/db/client.server";
import { textArray } from "~/db/sql.server";
import { requestMemo } from "~/platform/request-scope.server";
import { memberSpaceRows, spaceFactsOf } from "~/policy/facts.server";
import { can, type Viewer } from "~/policy/policy";
import {
  authorNotBlockedCondition,
  contentSpaceReadableCondition,
  readableContentCondition,
  readableSpaceCondition,
  userNotBlockedCondition,
} from "~/policy/scopes.server";
import { now } from "~/utils/clock.server";
import type { FeedCursor } from "./feed-cursor";

// The home feed is a pipeline (after atproto's): sources → skeleton (ids only, one
// keyset-limited index scan per source) → hydrate → rules (policy re-check) → present.
// Feeds carry published content only: a post held by pre-approval is seen on its own page
// and in the space's approvals queue, by the few the policy allows.

export type FeedSources = {
  spaceIds: string[]; // readable spaces I belong to or follow
  authorIds: string[]; // people I follow, minus anyone across a barrier
  tags: string[]; // "#tag" / "$TICK" I follow
};

/** The viewer's feed sources; the home page's feed and its featured cards share one read per request. */
export function feedSources(db: Db, viewer: Viewer): Promise<FeedSources> {
  return requestMemo(`feedSources:${viewer.id}`, () => readFeedSources(db, viewer));
}

async function readFeedSources(db: Db, viewer: Viewer): Promise<FeedSources> {
  if (!viewer.id || !viewer.orgId) return { spaceIds: [], authorIds: [], tags: [] };
  // My spaces (the request's one read of them) and what I follow, with each followed space's
  // readability by the policy's SQL rule, in one statement.
  const [mine, follows] = await Promise.all([
    memberSpaceRows(viewer, db),
    query<{ target_kind: string; target_id: string; department: string | null; readable_space: boolean | null }>(
      db,
      sql`select f.target_kind, f.target_id, u.department,
            case when f.target_kind = 'space' then exists (select 1 from spaces s where s.id = f.target_id and ${readableSpaceCondition(viewer)}) end as readable_space
          from follows f
          left join users u on f.target_kind = 'user' and u.id = f.target_id
          where f.user_id = ${viewer.id}`,
    ),
  ]);
  // Only my spaces and followed ones that the policy still lets me read.
  const spaceIds = new Set(mine.filter((s) => can(viewer, "read", spaceFactsOf(s))).map((s) => s.id));
  // One's own posts always show (an org-wide post would otherwise vanish on submit).
  const authors: string[] = [viewer.id];
  const tags: string[] = [];
  for (const f of follows) {
    if (f.target_kind === "space" && f.readable_space) spaceIds.add(f.target_id);
    if (f.target_kind === "user" && f.target_id !== viewer.id && f.department !== null && !viewer.blockedDepartments.includes(f.department)) authors.push(f.target_id);
    if (f.target_kind === "tag") tags.push(f.target_id);
  }
  return { spaceIds: [...spaceIds], authorIds: authors, tags };
}

export type SkeletonItem = { id: string; created_at: string | Date };

/**
 * Ids of the next page, newest first. Each source is read through its own index
 * (content_feed_space_idx, content_feed_question_space_idx, content_feed_author_idx, content_tags_feed_idx), limited
 * to `limit` rows past the cursor, so the cost does not grow with the archive.
 *
 * The first source (the member spaces' posts, the densest) is read first and gives a floor: when it
 * alone fills the page, its oldest row's time bounds the page, since adding rows can only raise the
 * page's last one. The other sources read only rows at or above that floor, so fifty followed
 * authors cost a few index entries each instead of a page each (at 1,000,000 posts: 4,441 buffers
 * → ~600, each author row's space check included). The answer is the same rows, in the same order.
 */
export function skeletonQuery(
  viewer: Viewer,
  sources: FeedSources,
  opts: { cursor?: FeedCursor | null; newerThan?: FeedCursor | null; limit: number },
): SQL {
  const lim = opts.limit;
  const cur = (at: SQL, id: SQL) =>
    opts.cursor
      ? sql` and (${at}, ${id}) < (${opts.cursor.at}::timestamptz, ${opts.cursor.id})`
      : opts.newerThan
        ? sql` and (${at}, ${id}) > (${opts.newerThan.at}::timestamptz, ${opts.newerThan.id})`
        : sql``;
  // The policy's own clauses (barrier; space readability per row through the spaces primary key).
  const notBlocked = (c: string) => (viewer.blockedDepartments.length ? sql` and ${authorNotBlockedCondition(viewer, sql.raw(c))}` : sql``);
  const readableSpace = (c: string) => sql` and ${contentSpaceReadableCondition(viewer, sql.raw(c))}`;
  const order = (at: string, id: string) => sql.raw(`order by ${at} desc nulls last, ${id} desc nulls last limit ${lim}`);
  // a source as a function of the floor condition on its time column (empty for the lead source)
  type Part = (floor: (at: SQL) => SQL) => SQL;
  const parts: Part[] = [];
  if (sources.spaceIds.length) {
    parts.push((floor) => sql`select x.id, x.created_at from unnest(${textArray(sources.spaceIds)}) as m(sid)
      cross join lateral (select c.id, c.created_at from content c
        where c.space_id = m.sid and c.kind = 'post' and c.deleted_at is null and c.approval is null${cur(sql`c.created_at`, sql`c.id`)}${floor(sql`c.created_at`)}${notBlocked("c")}
        ${order("c.created_at", "c.id")}) x`);
    // questions asked in those spaces (their own partial index, content_feed_question_space_idx)
    parts.push((floor) => sql`select x.id, x.created_at from unnest(${textArray(sources.spaceIds)}) as m(sid)
      cross join lateral (select c.id, c.created_at from content c
        where c.space_id = m.sid and c.kind = 'question' and c.deleted_at is null and c.approval is null${cur(sql`c.created_at`, sql`c.id`)}${floor(sql`c.created_at`)}${notBlocked("c")}
        ${order("c.created_at", "c.id")}) x`);
  }
  if (sources.authorIds.length) {
    parts.push((floor) => sql`select x.id, x.created_at from unnest(${textArray(sources.authorIds)}) as f(aid)
      cross join lateral (select c.id, c.created_at from content c
        where c.author_id = f.aid and c.kind = 'post' and c.deleted_at is null and c.approval is null${cur(sql`c.created_at`, sql`c.id`)}${floor(sql`c.created_at`)}${readableSpace("c")}
        ${order("c.created_at", "c.id")}) x`);
  }
  if (sources.tags.length) {
    // a tag row carries its content's creation time (content_tags.created_at)
    parts.push((floor) => sql`select x.id, x.created_at from unnest(${textArray(sources.tags)}) as t(tag)
      cross join lateral (select c.id, c.created_at from content_tags ct join content c on c.id = ct.content_id
        where ct.org_id = ${viewer.orgId} and ct.tag = t.tag and c.deleted_at is null and c.approval is null${cur(sql`ct.created_at`, sql`ct.content_id`)}${floor(sql`ct.created_at`)}${readableSpace("c")}${notBlocked("c")}
        ${order("ct.created_at", "ct.content_id")}) x`);
  }
  if (parts.length === 0) return sql`select null::text as id, null::timestamptz as created_at where false`;
  const none = () => sql``;
  const [lead, ...rest] = parts;
  if (rest.length === 0) return sql`select id, created_at from (${lead(none)}) u order by created_at desc, id desc limit ${lim}`;
  const atFloor = (at: SQL) => sql` and ${at} >= (select at from floor)`;
  return sql`with lead as materialized (
      select id, created_at from (${lead(none)}) l order by created_at desc, id desc limit ${lim}
    ), floor as (
      select case when count(*) = ${lim} then min(created_at) else '-infinity'::timestamptz end as at from lead
    )
    select id, created_at from (select id, created_at from lead union ${sql.join(
      rest.map((p) => p(atFloor)),
      sql` union `,
    )}) u order by created_at desc, id desc limit ${lim}`;
}

export async function feedSkeleton(
  db: Db,
  viewer: Viewer,
  sources: FeedSources,
  opts: { cursor?: FeedCursor | null; newerThan?: FeedCursor | null; limit: number },
): Promise<{ id: string; createdAt: Date }[]> {
  const rows = await query<SkeletonItem>(db, skeletonQuery(viewer, sources, opts));
  return rows.map((r) => ({ id: r.id, createdAt: new Date(r.created_at) }));
}

/**
 * Top: the sources' posts of the last 7 days ranked by engagement (reactions + 2 × comments),
 * counting only what the viewer may see: the order must not reveal activity behind a barrier.
 */
export async function topSkeleton(db: Db, viewer: Viewer, sources: FeedSources, page: number, limit: number) {
  const since = new Date(now().getTime() - 7 * 86_400_000);
  const candidates = await feedSkeleton(db, viewer, sources, { limit: 500 });
  const recent = candidates.filter((c) => c.createdAt >= since);
  if (recent.length === 0) return [];
  const rows = await query<{ id: string; score: number }>(
    db,
    sql`select c.id,
          (select count(*) from reactions x where x.content_id = c.id and ${userNotBlockedCondition(viewer, sql`x.user_id`)})::int
          + 2 * (select count(*) from content k where k.parent_id = c.id and ${readableContentCondition(viewer, sql.raw("k"))})::int as score
        from content c where c.id = any(${textArray(recent.map((r) => r.id))})
        order by score desc, c.created_at desc, c.id desc
        offset ${page * limit} limit ${limit}`,
  );
  return rows.map((r) => r.id);
}

export async function countNewer(viewer: Viewer, since: FeedCursor, db?: Db): Promise<number> {
  const d = db ?? (await getDb());
  const sources = await feedSources(d, viewer);
  const rows = await feedSkeleton(d, viewer, sources, { newerThan: since, limit: 50 });
  return rows.length;
}
