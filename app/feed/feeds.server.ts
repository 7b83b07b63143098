import { and, eq, sql } from "drizzle-orm";
import { authorize } from "~/policy/authorize.server";
import { getDb, query, type Db } from "~/db/client.server";
import { follows } from "~/db/schema";
import { hydratePosts, type PostView } from "~/content/hydrate.server";
import { loadSpaceFacts } from "~/policy/facts.server";
import { type Viewer } from "~/policy/policy";
import { now } from "~/utils/clock.server";
import { decodeCursor, encodeCursor, type FeedCursor } from "./feed-cursor";
import { feedSkeleton, feedSources, topSkeleton } from "./home-feed.server";

// The home, tag and space feeds: skeleton (ids) → hydrate (policy re-check) → present.

export const PAGE_SIZE = 20;

export async function homeFeed(viewer: Viewer, opts: { cursor?: string | null; view?: "latest" | "top"; page?: number }, db?: Db) {
  const d = db ?? (await getDb());
  const [sources, announcementsList] = await Promise.all([
    feedSources(d, viewer),
    opts.cursor || opts.page ? ([] as PostView[]) : activeAnnouncements(d, viewer),
  ]);
  if (opts.view === "top") {
    const page = Math.max(0, opts.page ?? 0);
    const ids = await topSkeleton(d, viewer, sources, page, PAGE_SIZE);
    return { announcements: announcementsList, posts: await hydratePosts(d, viewer, ids), nextCursor: null, nextPage: ids.length === PAGE_SIZE ? page + 1 : null, newest: null };
  }
  const cursor = decodeCursor(opts.cursor);
  // Ask for one more than a page to know whether another page exists.
  const skeleton = await feedSkeleton(d, viewer, sources, { cursor, limit: PAGE_SIZE + 1 });
  const pageItems = skeleton.slice(0, PAGE_SIZE);
  const last = pageItems[pageItems.length - 1];
  const nextCursor = skeleton.length > PAGE_SIZE && last ? encodeCursor({ at: last.createdAt.toISOString(), id: last.id }) : null;
  const first = pageItems[0];
  const newest: FeedCursor | null = first ? { at: first.createdAt.toISOString(), id: first.id } : null;
  return {
    announcements: announcementsList,
    posts: await hydratePosts(d, viewer, pageItems.map((p) => p.id)),
    nextCursor,
    nextPage: null,
    newest: newest ? encodeCursor(newest) : null,
  };
}

async function activeAnnouncements(db: Db, viewer: Viewer) {
  if (!viewer.orgId) return [];
  const rows = await query<{ content_id: string }>(
    db,
    sql`select a.content_id from announcements a join content c on c.id = a.content_id
        where a.org_id = ${viewer.orgId} and c.deleted_at is null and (a.ends_at is null or a.ends_at > ${now().toISOString()}::timestamptz)
        order by a.pinned_at desc limit 5`,
  );
  return hydratePosts(db, viewer, rows.map((r) => r.content_id));
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
