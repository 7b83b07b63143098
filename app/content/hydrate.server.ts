import { sql, type SQL } from "drizzle-orm";
import { getDb, query, type Db } from "~/db/client.server";
import { textArray } from "~/db/sql.server";
import { CONTENT_FACTS_COLUMNS, CONTENT_FACTS_JOINS, contentFactsOfRow, type ContentFactRow } from "~/policy/facts.server";
import { readableInReadableThreadCondition, userNotBlockedCondition } from "~/policy/scopes.server";
import { can, type Viewer } from "~/policy/policy";
import { now } from "~/utils/clock.server";
import { notFound } from "~/utils/http.server";
import { REACTIONS, type ReactionKind } from "./content.server";

// Hydrate and present: ids in, policy-checked views out (feeds, search, post pages).


export type PostView = {
  id: string;
  kind: string;
  parentId: string | null;
  /** questions have one; "" for other kinds */
  title: string;
  author: { id: string; name: string; title: string };
  space: { id: string; name: string; slug: string } | null;
  html: string;
  text: string;
  createdAt: string;
  edited: boolean;
  reactions: Record<ReactionKind, number>;
  myReactions: ReactionKind[];
  commentCount: number;
  pinned: boolean;
  /** pre-approval: held for its author and approvers (null once published) */
  hold: { state: "pending" | "rejected"; tier: number } | null;
  /** supervision: hidden pending investigation, with the reason its author is shown (only the author reads it then) */
  hiddenReason: string | null;
  can: { edit: boolean; delete: boolean; comment: boolean; react: boolean; history: boolean; pin: boolean; topics: boolean };
};

/**
 * Comments under an item that the viewer may read (the SQL form of the same rule):
 * for a root, its whole thread; for a comment, its replies. Hidden activity is not counted.
 * The item itself is re-checked by the policy after loading (a count under an item the viewer
 * may not read is never shown), so its thread's root is readable and each comment is judged on
 * its own facts only (readableInReadableThreadCondition).
 */
function visibleCommentCount(viewer: Viewer): SQL {
  const k = sql.raw("k");
  return sql`(case when c.root_id is null
      then (select count(*)::int from content k where k.root_id = c.id and k.kind = 'comment' and ${readableInReadableThreadCondition(viewer, k)})
      else (select count(*)::int from content k where k.parent_id = c.id and k.kind = 'comment' and ${readableInReadableThreadCondition(viewer, k)})
        + (select count(*)::int from content p join content k on k.parent_id = p.id
           where p.parent_id = c.id and p.kind = 'comment' and k.kind = 'comment' and ${readableInReadableThreadCondition(viewer, k)}) end)`;
}

/** Loads ids in one round of queries, re-checks each with the policy, keeps the given order. */
export async function hydratePosts(db: Db, viewer: Viewer, ids: string[]): Promise<PostView[]> {
  if (ids.length === 0) return [];
  const idArr = textArray(ids);
  const rowsQuery = query<Record<string, unknown> & ContentFactRow>(
    db,
    sql`select ${CONTENT_FACTS_COLUMNS},
              c.parent_id, c.hidden_reason, c.title, c.body_html, c.body_text, c.created_at, c.version, au.name as author_name, au.title as author_title,
              s.name as space_name, s.slug as space_slug,
              ${visibleCommentCount(viewer)} as comment_count,
              exists (select 1 from announcements a where a.content_id = c.id and (a.ends_at is null or a.ends_at > ${now().toISOString()}::timestamptz)) as pinned
            from content c ${CONTENT_FACTS_JOINS}
            where c.id = any(${idArr})`,
  );
  // Reactions by people across a barrier from the viewer are not counted: the count would reveal them.
  const reactionsQuery = query<{ content_id: string; kind: string; n: number; mine: boolean }>(
    db,
    sql`select x.content_id, x.kind, count(*)::int as n, bool_or(x.user_id = ${viewer.id ?? ""}) as mine
        from reactions x where x.content_id = any(${idArr}) and ${userNotBlockedCondition(viewer, sql`x.user_id`)}
        group by x.content_id, x.kind`,
  );
  const [rows, reactions] = await Promise.all([rowsQuery, reactionsQuery]);
  const byId = new Map(rows.map((r) => [r.id as string, r]));
  const out: PostView[] = [];
  for (const id of ids) {
    const r = byId.get(id);
    if (!r) continue;
    const facts = contentFactsOfRow(r);
    if (!can(viewer, "read", facts)) continue; // rules: the policy has the last word
    const counts = Object.fromEntries(REACTIONS.map((k) => [k, 0])) as Record<ReactionKind, number>;
    const mine: ReactionKind[] = [];
    for (const x of reactions.filter((x) => x.content_id === id)) {
      counts[x.kind as ReactionKind] = x.n;
      if (x.mine) mine.push(x.kind as ReactionKind);
    }
    out.push({
      id,
      kind: facts.contentKind,
      parentId: (r.parent_id as string | null) ?? null,
      title: String(r.title ?? ""),
      author: { id: facts.authorId, name: String(r.author_name), title: String(r.author_title ?? "") },
      space: facts.space ? { id: facts.space.id, name: String(r.space_name), slug: String(r.space_slug) } : null,
      html: String(r.body_html ?? ""),
      text: String(r.body_text ?? ""),
      createdAt: new Date(r.created_at as string).toISOString(),
      edited: Number(r.version) > 1,
      reactions: counts,
      myReactions: mine,
      commentCount: Number(r.comment_count ?? 0),
      pinned: Boolean(r.pinned),
      hold: facts.hold ?? null,
      hiddenReason: facts.hidden ? String(r.hidden_reason ?? "") : null,
      can: {
        edit: can(viewer, "edit", facts),
        delete: can(viewer, "delete", facts),
        comment: can(viewer, "comment", facts),
        react: can(viewer, "react", facts),
        history: can(viewer, "history", facts),
        pin: can(viewer, "pin", facts),
        topics: can(viewer, "label_topics", facts),
      },
    });
  }
  return out;
}

export async function getPostPage(viewer: Viewer, id: string, db?: Db) {
  const d = db ?? (await getDb());
  const [post] = await hydratePosts(d, viewer, [id]);
  if (!post || post.kind === "comment") notFound();
  // The thread's comments and replies; hydrate keeps those the viewer may read.
  const commentIds = await query<{ id: string }>(
    d,
    sql`select id from content where root_id = ${id} and kind = 'comment' and deleted_at is null
        order by created_at, id limit 500`,
  );
  const comments = await hydratePosts(d, viewer, commentIds.map((c) => c.id));
  return { post, comments };
}
