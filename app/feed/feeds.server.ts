import { and, eq, sql } from "drizzle-orm";
import { authorize } from "~/policy/authorize.server";
import { getDb, query, type Db } from "~/db/client.server";
import { follows } from "~/db/schema";
import { hydratePosts } from "~/content/hydrate.server";
import { shareCards } from "~/discovery/saves.server";
import { loadSpaceFacts } from "~/policy/facts.server";
import { type Viewer } from "~/policy/policy";
import { now } from "~/utils/clock.server";
import { decodeCursor, encodeCursor } from "./feed-cursor";
import { featuredRows, presentFeatured } from "./featured.server";
import { feedSkeleton, feedSources, topSkeleton } from "./home-feed.server";

// The home, tag and space feeds: skeleton (ids) → hydrate (policy re-check) → present.

export const PAGE_SIZE = 20;

export type HomeFeedOptions = { cursor?: string | null; view?: "latest" | "top"; page?: number; featured?: number };

/**
 * The home page's feed: announcements and featured best practices on the first page, the page of
 * posts, and share cards. Every id (announcements, featured, page) is found first and hydrated
 * in one round (two statements), the shares read beside it.
 */
export async function homeFeed(viewer: Viewer, opts: HomeFeedOptions, db?: Db) {
  const d = db ?? (await getDb());
  const firstPage = !opts.cursor && !opts.page;
  const top = opts.view === "top";
  const page = Math.max(0, opts.page ?? 0);
  const cursor = decodeCursor(opts.cursor);
  const pageIds = async (): Promise<{ ids: string[]; nextCursor: string | null; nextPage: number | null; newest: string | null }> => {
    const sources = await feedSources(d, viewer);
    if (top) {
      const ids = await topSkeleton(d, viewer, sources, page, PAGE_SIZE);
      return { ids, nextCursor: null, nextPage: ids.length === PAGE_SIZE ? page + 1 : null, newest: null };
    }
    // Ask for one more than a page to know whether another page exists.
    const skeleton = await feedSkeleton(d, viewer, sources, { cursor, limit: PAGE_SIZE + 1 });
    const items = skeleton.slice(0, PAGE_SIZE);
    const last = items[items.length - 1];
    const first = items[0];
    return {
      ids: items.map((p) => p.id),
      nextCursor: skeleton.length > PAGE_SIZE && last ? encodeCursor({ at: last.createdAt.toISOString(), id: last.id }) : null,
      nextPage: null,
      newest: first ? encodeCursor({ at: first.createdAt.toISOString(), id: first.id }) : null,
    };
  };
  const [announcementIds, pageOf, featuredOf] = await Promise.all([
    firstPage ? activeAnnouncementIds(d, viewer) : ([] as string[]),
    pageIds(),
    firstPage && opts.featured ? featuredRows(viewer, opts.featured, d) : [],
  ]);
  const [views, shared] = await Promise.all([
    hydratePosts(d, viewer, [...new Set([...announcementIds, ...pageOf.ids, ...featuredOf.map((f) => f.id)])]),
    shareCards(viewer, pageOf.ids, d),
  ]);
  const byId = new Map(views.map((v) => [v.id, v]));
  const inOrder = (ids: string[]) => ids.flatMap((id) => byId.get(id) ?? []);
  return {
    announcements: inOrder(announcementIds),
    posts: inOrder(pageOf.ids),
    featured: presentFeatured(featuredOf, views),
    shared,
    nextCursor: pageOf.nextCursor,
    nextPage: pageOf.nextPage,
    newest: pageOf.newest,
  };
}

async function activeAnnouncementIds(db: Db, viewer: Viewer): Promise<string[]> {
  if (!viewer.orgId) return [];
  const rows = await query<{ content_id: string }>(
    db,
    sql`select a.content_id from announcements a join content c on c.id = a.content_id
        where a.org_id = ${viewer.orgId} and c.deleted_at is null and (a.ends_at is null or a.ends_at > ${now().toISOString()}::timestamptz)
        order by a.pinned_at desc limit 5`,
  );
  return rows.map((r) => r.content_id);
}

/** Org admins pin a post as an announcement, optionally until a date. */

/** Posts carrying a hashtag ("#tag") or cashtag ("$TICK") that the viewer may see, newest first. */
export async function tagFeed(viewer: Viewer, tag: string, cursorRaw: string | null, db?: Db) {
  const d = db ?? (await getDb());
  const cursor = decodeCursor(cursorRaw);
  const skeleton = await feedSkeleton(d, viewer, { spaceIds: [], authorIds: [], tags: [tag] }, { cursor, limit: PAGE_SIZE + 1 });
  const pageItems = skeleton.slice(0, PAGE_SIZE);
  const last = pageItems[pageItems.length - 1];
  const following = viewer.id
    ? (await d.select().from(follows).where(and(eq(follows.userId, viewer.id), eq(follows.targetKind, "tag"), eq(follows.targetId, tag)))).length > 0
    : false;
  return {
    posts: await hydratePosts(d, viewer, pageItems.map((p) => p.id)),
    nextCursor: skeleton.length > PAGE_SIZE && last ? encodeCursor({ at: last.createdAt.toISOString(), id: last.id }) : null,
    following,
  };
}

/** A space's own feed (readers only). */
export async function spaceFeed(viewer: Viewer, spaceId: string, cursorRaw: string | null, db?: Db) {
  const d = db ?? (await getDb());
  const space = await loadSpaceFacts(d, spaceId);
  authorize(viewer, "read", space);
  const cursor = decodeCursor(cursorRaw);
  const skeleton = await feedSkeleton(d, viewer, { spaceIds: [spaceId], authorIds: [], tags: [] }, { cursor, limit: PAGE_SIZE + 1 });
  const pageItems = skeleton.slice(0, PAGE_SIZE);
  const last = pageItems[pageItems.length - 1];
  return {
    posts: await hydratePosts(d, viewer, pageItems.map((p) => p.id)),
    nextCursor: skeleton.length > PAGE_SIZE && last ? encodeCursor({ at: last.createdAt.toISOString(), id: last.id }) : null,
  };
}
