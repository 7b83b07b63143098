import { sql, type SQL } from "drizzle-orm";
import { getDb, query, type Db } from "~/db/client.server";
import { textArray, ts } from "~/db/sql.server";
import { hydratePosts, type PostView } from "~/content/hydrate.server";
import type { Viewer } from "~/policy/policy";
import { readableContentCondition } from "~/policy/scopes.server";
import { now } from "~/utils/clock.server";
import { feedSources, type FeedSources } from "./home-feed.server";

// Highlighted cards on the home feed: approved best practices (current version, not due
// for re-verification) in a space the viewer belongs to or follows, or on a topic they
// follow. A small query of its own over best_practices, merged into the page by the route:
// the space and topic are read from best_practices itself (space_id copied on insert, indexed for
// approved items), so only the few matching items are read at all (at 1,000,000 posts: ~20 rows,
// not the ~1,850 approved items of the org filtered one by one).

export type FeaturedCard = { post: PostView; topic: string };

export async function featuredCards(viewer: Viewer, opts: { limit?: number } = {}, db?: Db): Promise<FeaturedCard[]> {
  const d = db ?? (await getDb());
  const rows = await featuredRows(viewer, opts.limit ?? 3, d);
  return presentFeatured(rows, await hydratePosts(d, viewer, rows.map((r) => r.id)));
}

/** The cards' ids and topics, before hydration (the home feed hydrates them with its page). */
export async function featuredRows(viewer: Viewer, limit: number, db: Db): Promise<{ id: string; topic: string }[]> {
  if (!viewer.id || !viewer.orgId) return [];
  const sources = await feedSources(db, viewer);
  return query<{ id: string; topic: string }>(db, featuredQuery(viewer, sources, now(), limit));
}

/** Rows in their order, each with its hydrated view; one the policy no longer shows is left out. */
export function presentFeatured(rows: { id: string; topic: string }[], views: PostView[]): FeaturedCard[] {
  const byId = new Map(views.map((v) => [v.id, v]));
  return rows.flatMap((r) => {
    const post = byId.get(r.id);
    return post ? [{ post, topic: r.topic }] : [];
  });
}

/**
 * Candidates first, through best_practices_space_idx (the viewer's spaces) and the topic index
 * (followed topics): every approved item there, a few per space, before any content row is read;
 * then the read rule and the ordering over those few only.
 */
export function featuredQuery(viewer: Viewer, sources: FeedSources, at: Date, limit: number): SQL {
  return sql`select c.id, bp.topic from (
      select bp.content_id, bp.topic, bp.approved_at, bp.approved_version from best_practices bp
      where bp.org_id = ${viewer.orgId} and bp.status = 'approved' and bp.space_id = any(${textArray(sources.spaceIds)}) and bp.reverify_at > ${ts(at)}
      union
      select bp.content_id, bp.topic, bp.approved_at, bp.approved_version from best_practices bp
      where bp.org_id = ${viewer.orgId} and bp.status = 'approved' and bp.reverify_at > ${ts(at)}
        and bp.topic in (select f.target_id from follows f where f.user_id = ${viewer.id} and f.target_kind = 'topic')
    ) bp join content c on c.id = bp.content_id
    where bp.approved_version = c.version and c.deleted_at is null and c.author_id <> ${viewer.id}
      and ${readableContentCondition(viewer, sql.raw("c"))}
    order by bp.approved_at desc, bp.content_id limit ${limit}`;
}
