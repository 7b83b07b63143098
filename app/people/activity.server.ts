import { sql } from "drizzle-orm";
import { hydratePosts } from "~/content/hydrate.server";
import { query, type Db } from "~/db/client.server";
import { textArray } from "~/db/sql.server";
import type { Viewer } from "~/policy/policy";
import { readableContentCondition, readableSpaceCondition } from "~/policy/scopes.server";

// What a profile shows of a person's activity: their recent posts and answers and the
// spaces they belong to, each only where the viewer may see it. The SQL scopes pick the
// candidates; posts and answers are then hydrated, which re-checks every item with the
// policy, so a hidden post or a private space never reaches the page.

export const PROFILE_ITEMS = 5;

export type ActivityItem = {
  id: string;
  /** the page that shows it: the post, or the answer within its question */
  href: string;
  /** the post's first words, or the question an answer belongs to */
  title: string;
  excerpt: string;
  space: { name: string; slug: string } | null;
  createdAt: string;
};

export type SpaceLink = { id: string; name: string; slug: string; visibility: string };

const oneLine = (s: string, n: number) => s.replace(/\s+/g, " ").trim().slice(0, n);

/** The person's latest items of `kind` the viewer may read, newest first. */
async function recentIds(db: Db, viewer: Viewer, userId: string, kind: "post" | "answer", limit: number): Promise<string[]> {
  const rows = await query<{ id: string }>(
    db,
    sql`select c.id from content c where c.author_id = ${userId} and c.kind = ${kind} and ${readableContentCondition(viewer, sql.raw("c"))}
        order by c.created_at desc, c.id desc limit ${limit}`,
  );
  return rows.map((r) => r.id);
}

/** Recent posts by the person that the viewer may read. */
export async function recentPosts(db: Db, viewer: Viewer, userId: string, limit = PROFILE_ITEMS): Promise<ActivityItem[]> {
  const views = await hydratePosts(db, viewer, await recentIds(db, viewer, userId, "post", limit));
  return views
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id))
    .map((p) => ({
      id: p.id,
      href: `/posts/${p.id}`,
      title: oneLine(p.title || p.text, 90),
      excerpt: oneLine(p.text, 200),
      space: p.space ? { name: p.space.name, slug: p.space.slug } : null,
      createdAt: p.createdAt,
    }));
}

/** Recent answers by the person that the viewer may read, each with its question's title. */
export async function recentAnswers(db: Db, viewer: Viewer, userId: string, limit = PROFILE_ITEMS): Promise<ActivityItem[]> {
  const views = await hydratePosts(db, viewer, await recentIds(db, viewer, userId, "answer", limit));
  if (!views.length) return [];
  // the re-check judged each answer on its question (its thread root): the viewer may read it
  const roots = await query<{ id: string; root_id: string; title: string; body_text: string }>(
    db,
    sql`select k.id, r.id as root_id, r.title, r.body_text from content k join content r on r.id = k.root_id where k.id = any(${textArray(views.map((v) => v.id))})`,
  );
  const rootOf = new Map(roots.map((r) => [r.id, r]));
  return views
    .filter((a) => rootOf.has(a.id))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id))
    .map((a) => {
      const q = rootOf.get(a.id)!;
      return {
        id: a.id,
        href: `/questions/${q.root_id}#post-${a.id}`,
        title: oneLine(q.title || q.body_text, 90),
        excerpt: oneLine(a.text, 200),
        space: a.space ? { name: a.space.name, slug: a.space.slug } : null,
        createdAt: a.createdAt,
      };
    });
}

/** Spaces the person belongs to that the viewer may read (a private or secret space they are not in stays unseen). */
export async function spacesOf(db: Db, viewer: Viewer, userId: string, limit = 50): Promise<SpaceLink[]> {
  return query<SpaceLink>(
    db,
    sql`select s.id, s.name, s.slug, s.visibility from space_members m join spaces s on s.id = m.space_id
        where m.user_id = ${userId} and ${readableSpaceCondition(viewer, sql.raw("s"))}
        order by lower(s.name), s.id limit ${limit}`,
  );
}
