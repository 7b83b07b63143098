import { sql, type SQL } from "drizzle-orm";
import { getDb, query, type Db, type DbOrTx } from "~/db/client.server";
import { textArray, ts } from "~/db/sql.server";
import { hydratePosts, type PostView } from "~/content/hydrate.server";
import type { Viewer } from "~/policy/policy";
import { readableContentCondition } from "~/policy/scopes.server";
import { now } from "~/utils/clock.server";
import { cleanQuery } from "~/utils/text";
import { decodeRankCursor, encodeRankCursor, type RankCursor } from "./rank-cursor.server";

// The Best practices library and the loop's measures. Only amplified items appear:
// approved, the approved version still current, re-verification not yet due, not deleted.

/** The one definition of "amplified", on best_practices alias `bp` joined to content alias `c`. */
export const amplifiedCondition = (at: Date, bp = "bp", c = "c"): SQL =>
  sql`(${sql.raw(bp)}.status = 'approved' and ${sql.raw(bp)}.approved_version = ${sql.raw(c)}.version
       and ${sql.raw(bp)}.reverify_at > ${ts(at)} and ${sql.raw(c)}.deleted_at is null)`;

export type LibraryEntry = { post: PostView; topic: string; entryKind: string; approvedAt: string; reverifyAt: string; ownerName: string; viewers: number };

const PAGE = 30;

/** What a library row shows of a post: its headline and an excerpt, never its whole body. */
export type LibraryRowView = {
  id: string;
  headline: string;
  excerpt: string;
  author: { id: string; name: string };
  space: { name: string; slug: string } | null;
  reactions: number;
  comments: number;
};

export function libraryRow(post: PostView): LibraryRowView {
  const flat = post.text.replace(/[\u0000-\u001f\u007f]+/g, " ").replace(/\s+/g, " ").trim();
  const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1).replace(/\s+\S*$/, "").trimEnd()}…` : s);
  // a post has no title: its first sentence (or line) stands as the headline
  const first = post.title || (/^(.{12,140}?[.!?])(\s|$)/.exec(flat)?.[1] ?? clip(flat, 100));
  const rest = post.title ? flat : flat.slice(first.replace(/…$/, "").length).trim();
  return {
    id: post.id,
    headline: first,
    excerpt: clip(rest, 220),
    author: { id: post.author.id, name: post.author.name },
    space: post.space ? { name: post.space.name, slug: post.space.slug } : null,
    reactions: Object.values(post.reactions).reduce((a, b) => a + b, 0),
    comments: post.commentCount,
  };
}

export type LibraryCursor = RankCursor;
export const encodeLibraryCursor = encodeRankCursor;
export const decodeLibraryCursor = decodeRankCursor;

/**
 * The library page: approved items the viewer may read, ranked by their decayed engagement
 * (the rank key, then content id), filtered by topic and words, one keyset page at a time.
 * Candidates come in rank order straight from best_practices_org_rank_idx (or
 * best_practices_org_topic_rank_idx for a topic; `desc nulls last` as the indexes are built, or the
 * planner sorts instead) in a materialised, limited CTE, so the planner
 * cannot trade the index order for a scan of every approved item; the window widens only when
 * too few candidates survive the content checks. Words match the approved version's text
 * (best_practices.search_text, GIN-indexed) or a topic name, never a tsvector built per content row.
 */
export async function library(
  viewer: Viewer,
  opts: { topic?: string; q?: string; kind?: "practice" | "faq"; cursor?: LibraryCursor | null } = {},
  db?: Db,
): Promise<{ entries: LibraryEntry[]; topics: { topic: string }[]; nextCursor: string | null }> {
  if (!viewer.orgId) return { entries: [], topics: [], nextCursor: null };
  const d = db ?? (await getDb());
  const at = now();
  const bpConds: SQL[] = [sql`bp.org_id = ${viewer.orgId}`, sql`bp.status = 'approved'`, sql`bp.reverify_at > ${ts(at)}`];
  const topic = cleanQuery(opts.topic ?? "", 40).toLowerCase();
  if (topic) bpConds.push(sql`bp.topic = ${topic}`);
  if (opts.kind) bpConds.push(sql`bp.entry_kind = ${opts.kind}`);
  // after the cursor in (rank desc, content_id asc) order; `rank <=` bounds the index scan
  if (opts.cursor) {
    const { rank, id } = opts.cursor;
    bpConds.push(sql`bp.rank <= ${rank}::float8 and (bp.rank < ${rank}::float8 or bp.content_id > ${id})`);
  }
  const topicsQuery = query<{ topic: string }>(
    d,
    // Topic names only (curators' vocabulary, no counts): read from the small table, no content rows.
    sql`select distinct bp.topic from best_practices bp
        where bp.org_id = ${viewer.orgId} and bp.status = 'approved' and bp.reverify_at > ${ts(at)} and bp.topic <> ''
        order by bp.topic limit 100`,
  );
  let hits = sql``;
  const q = cleanQuery(opts.q ?? "");
  if (q) {
    // Words match the approved text through the GIN index, or a topic whose name contains them
    // (from the topic list this page shows anyway). Materialised first, so no plan builds a
    // tsvector per approved item while it walks the rank index.
    const lower = q.toLowerCase();
    const named = (await topicsQuery).map((t) => t.topic).filter((t) => t.includes(lower));
    hits = sql`hits as materialized (
        select m.content_id from best_practices m where m.org_id = ${viewer.orgId} and m.status = 'approved'
          and (to_tsvector('simple', m.search_text) @@ websearch_to_tsquery('simple', ${q})${named.length ? sql` or m.topic = any(${textArray(named)})` : sql``})),`;
    bpConds.push(sql`bp.content_id in (select content_id from hits)`);
  }
  const conds: SQL[] = [amplifiedCondition(at), readableContentCondition(viewer, sql.raw("c"))];
  type Row = { id: string; rank: number; topic: string; entry_kind: string; approved_at: string; reverify_at: string; owner_name: string | null; viewers: number | null };
  const page = async (window: number) =>
    query<Row>(
      d,
      sql`with ${hits} bp as materialized (
            select * from best_practices bp where ${sql.join(bpConds, sql` and `)} order by bp.rank desc nulls last, bp.content_id limit ${window})
          select c.id, bp.rank, bp.topic, bp.entry_kind, bp.approved_at, bp.reverify_at, ow.name as owner_name,
            (select e.viewers from engagement e where e.content_id = bp.content_id) as viewers
          from bp join content c on c.id = bp.content_id left join users ow on ow.id = bp.owner_id
          where ${sql.join(conds, sql` and `)}
          order by bp.rank desc nulls last, bp.content_id limit ${PAGE + 1}`,
    );
  let rows: Row[] = [];
  // first window: a page plus a margin (few approved items fail the content checks)
  for (const window of [PAGE + 10, 40 * PAGE, 1_000_000]) {
    rows = await page(window);
    if (rows.length > PAGE) break;
  }
  const more = rows.length > PAGE;
  rows = rows.slice(0, PAGE);
  const [topics, posts] = await Promise.all([topicsQuery, hydratePosts(d, viewer, rows.map((r) => r.id))]);
  const views = new Map(posts.map((v) => [v.id, v]));
  const entries = rows.flatMap((r): LibraryEntry[] => {
    const post = views.get(r.id);
    return post
      ? [{ post, topic: r.topic, entryKind: r.entry_kind, approvedAt: new Date(r.approved_at).toISOString(), reverifyAt: new Date(r.reverify_at).toISOString(), ownerName: r.owner_name ?? "", viewers: Number(r.viewers ?? 0) }]
      : [];
  });
  const last = rows[rows.length - 1];
  return { entries, topics, nextCursor: more && last ? encodeLibraryCursor({ rank: Number(last.rank), id: last.id }) : null };
}

export type WorkingItem = { id: string; topic: string; excerpt: string };

/**
 * The digest's "What's working": items approved in (since, until] that the recipient may read.
 * Passed to the digest by app/boot.server.ts, so notifications does not depend on discovery.
 */
export async function whatsWorking(db: DbOrTx, viewer: Viewer, since: Date, until: Date, limit = 5): Promise<WorkingItem[]> {
  if (!viewer.orgId) return [];
  const rows = await query<{ id: string; topic: string; excerpt: string }>(
    db,
    sql`select c.id, bp.topic, left(c.body_text, 200) as excerpt
        from best_practices bp join content c on c.id = bp.content_id
        where bp.org_id = ${viewer.orgId} and ${amplifiedCondition(until)} and bp.approved_at > ${ts(since)} and bp.approved_at <= ${ts(until)}
          and ${readableContentCondition(viewer, sql.raw("c"))}
        order by bp.approved_at desc, c.id limit ${limit}`,
  );
  return rows;
}

/** Status of one item for its page: approved and current, changed since approval, stale. */
export async function approvalStatus(viewer: Viewer, contentId: string, db?: Db) {
  const d = db ?? (await getDb());
  const at = now();
  const [r] = await query<{ status: string; approved_version: number | null; version: number; reverify_at: string | null; topic: string }>(
    d,
    sql`select bp.status, bp.approved_version, c.version, bp.reverify_at, bp.topic from best_practices bp join content c on c.id = bp.content_id
        where bp.content_id = ${contentId} and bp.org_id = ${viewer.orgId ?? ""}`,
  );
  if (!r) return null;
  if (r.status === "approved") {
    if (r.approved_version !== r.version) return { state: "changed" as const, topic: r.topic };
    if (r.reverify_at && new Date(r.reverify_at) <= at) return { state: "stale" as const, topic: r.topic };
    return { state: "approved" as const, topic: r.topic };
  }
  if (r.status === "stale") return { state: "stale" as const, topic: r.topic };
  return null;
}
