import { and, eq, sql } from "drizzle-orm";
import { getDb, query, type Db, type Tx } from "~/db/client.server";
import { announcements, content, contentTags, follows, mentions } from "~/db/schema";
import { textArray } from "~/db/sql.server";
import { appendAudit } from "~/compliance/audit.server";
import { contentFactsOfRow, loadContentFacts, loadSpaceFacts, loadUserFacts } from "~/policy/facts.server";
import { can, orgFacts, type Viewer } from "~/policy/policy";
import { now } from "~/utils/clock.server";
import { forbidden, notFound } from "~/utils/http.server";
import { createContent, editContent, REACTIONS, type ReactionKind } from "./content.server";
import { decodeCursor, encodeCursor, type FeedCursor } from "./feed-cursor";
import { feedSkeleton, feedSources, topSkeleton } from "./home-feed.server";
import { parseRichText } from "./rich-text.server";

export class InputError extends Error {
  constructor(public field: string, message: string) {
    super(message);
  }
}

type Parsed = Extract<ReturnType<typeof parseRichText>, { ok: true }>;

function parseBody(raw: unknown): Parsed {
  const parsed = parseRichText(raw);
  if (!parsed.ok) throw new InputError("body", parsed.error);
  if (!parsed.text.trim()) throw new InputError("body", "empty");
  return parsed;
}

/** Mentioned people must exist in the org and be visible to the author (barriers): else the write is refused. */
async function checkMentions(db: Db, viewer: Viewer, ids: string[]) {
  const unique = [...new Set(ids)].filter((id) => id !== viewer.id);
  for (const id of unique) {
    const facts = await loadUserFacts(db, id);
    if (!facts || !can(viewer, "mention", facts)) throw new InputError("body", "mention");
  }
  return unique;
}

function writeEntities(parsed: Parsed, mentioned: string[]) {
  return async (tx: Tx, row: typeof content.$inferSelect) => {
    await tx.delete(contentTags).where(eq(contentTags.contentId, row.id));
    await tx.delete(mentions).where(eq(mentions.contentId, row.id));
    const tags = [...new Set([...parsed.entities.hashtags.map((h) => `#${h}`), ...parsed.entities.cashtags.map((c) => `$${c}`)])];
    if (row.kind === "post" && tags.length) {
      await tx.insert(contentTags).values(tags.map((tag) => ({ contentId: row.id, orgId: row.orgId, tag, createdAt: row.createdAt })));
    }
    if (mentioned.length) await tx.insert(mentions).values(mentioned.map((userId) => ({ contentId: row.id, userId })));
    return { mentions: mentioned, tags };
  };
}

export async function createPost(viewer: Viewer, input: { spaceId: string | null; body: unknown }, db?: Db) {
  const d = db ?? (await getDb());
  const parsed = parseBody(input.body);
  const mentioned = await checkMentions(d, viewer, parsed.entities.mentions);
  return createContent(
    viewer,
    { kind: "post", spaceId: input.spaceId, bodyJson: parsed.doc, bodyText: parsed.text, bodyHtml: parsed.html },
    d,
    writeEntities(parsed, mentioned),
  );
}

export async function createComment(viewer: Viewer, input: { parentId: string; body: unknown }, db?: Db) {
  const d = db ?? (await getDb());
  const parsed = parseBody(input.body);
  const mentioned = await checkMentions(d, viewer, parsed.entities.mentions);
  // Comments are threaded one level: a reply to a reply attaches to the top-level comment.
  const parent = (await loadContentFacts(d, [input.parentId])).get(input.parentId);
  if (!parent || !can(viewer, "read", parent)) notFound();
  let parentId = input.parentId;
  if (parent.contentKind === "comment") {
    const [row] = await d.select({ parentId: content.parentId, kind: content.kind }).from(content).where(eq(content.id, input.parentId));
    const [grand] = row?.parentId ? await d.select({ kind: content.kind }).from(content).where(eq(content.id, row.parentId)) : [];
    if (grand?.kind === "comment" && row?.parentId) parentId = row.parentId;
  }
  return createContent(
    viewer,
    { kind: "comment", parentId, bodyJson: parsed.doc, bodyText: parsed.text, bodyHtml: parsed.html },
    d,
    writeEntities(parsed, mentioned),
  );
}

export async function editPost(viewer: Viewer, id: string, body: unknown, db?: Db) {
  const d = db ?? (await getDb());
  const parsed = parseBody(body);
  const mentioned = await checkMentions(d, viewer, parsed.entities.mentions);
  return editContent(viewer, id, { bodyJson: parsed.doc, bodyText: parsed.text, bodyHtml: parsed.html }, d, writeEntities(parsed, mentioned));
}

// ---------- hydrate and present ----------

export type PostView = {
  id: string;
  kind: string;
  parentId: string | null;
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
  can: { edit: boolean; delete: boolean; comment: boolean; react: boolean; history: boolean; pin: boolean; topics: boolean };
};

/** Loads ids in one round of queries, re-checks each with the policy, keeps the given order. */
export async function hydratePosts(db: Db, viewer: Viewer, ids: string[]): Promise<PostView[]> {
  if (ids.length === 0) return [];
  const idArr = textArray(ids);
  const rowsQuery = query<Record<string, unknown> & Parameters<typeof contentFactsOfRow>[0]>(
    db,
    sql`select c.id, c.org_id, c.kind, c.author_id, au.department as author_department, c.deleted_at, c.space_id, s.visibility, s.allowed_departments,
              c.parent_id, c.body_html, c.body_text, c.created_at, c.version, au.name as author_name, au.title as author_title,
              s.name as space_name, s.slug as space_slug,
              (select count(*)::int from content k where k.parent_id = c.id and k.kind = 'comment' and k.deleted_at is null)
              + (select count(*)::int from content p join content k on k.parent_id = p.id
                 where p.parent_id = c.id and p.kind = 'comment' and k.kind = 'comment' and k.deleted_at is null) as comment_count,
              exists (select 1 from announcements a where a.content_id = c.id and (a.ends_at is null or a.ends_at > ${now().toISOString()}::timestamptz)) as pinned
            from content c join users au on au.id = c.author_id left join spaces s on s.id = c.space_id
            where c.id = any(${idArr})`,
  );
  const reactionsQuery = query<{ content_id: string; kind: string; n: number; mine: boolean }>(
    db,
    sql`select content_id, kind, count(*)::int as n, bool_or(user_id = ${viewer.id ?? ""}) as mine
        from reactions where content_id = any(${idArr}) group by content_id, kind`,
  );
  const [rows, reactions] = await Promise.all([rowsQuery, reactionsQuery]);
  const byId = new Map(rows.map((r) => [r.id as string, r]));
  const isAdmin = !!viewer.orgId && can(viewer, "admin", orgFacts(viewer.orgId));
  const canCurate = !!viewer.orgId && can(viewer, "curate", orgFacts(viewer.orgId));
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
      can: {
        edit: can(viewer, "edit", facts),
        delete: can(viewer, "delete", facts),
        comment: can(viewer, "comment", facts),
        react: can(viewer, "react", facts),
        history: can(viewer, "history", facts),
        pin: isAdmin && facts.contentKind === "post",
        topics: canCurate && facts.contentKind === "post",
      },
    });
  }
  return out;
}

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
export async function pinAnnouncement(viewer: Viewer, contentId: string, endsAt: Date | null, db?: Db) {
  const d = db ?? (await getDb());
  const facts = (await loadContentFacts(d, [contentId])).get(contentId);
  if (!facts || !can(viewer, "read", facts)) notFound();
  if (!can(viewer, "admin", orgFacts(facts.orgId)) || facts.contentKind !== "post") forbidden();
  await d.transaction(async (tx) => {
    await tx
      .insert(announcements)
      .values({ contentId, orgId: facts.orgId, pinnedBy: viewer.id!, pinnedAt: now(), endsAt })
      .onConflictDoUpdate({ target: announcements.contentId, set: { endsAt, pinnedAt: now(), pinnedBy: viewer.id! } });
    await appendAudit(tx, { orgId: facts.orgId, actorId: viewer.id, action: "announcement.pin", targetKind: "content", targetId: contentId, data: { endsAt: endsAt?.toISOString() ?? null } });
  });
}

export async function unpinAnnouncement(viewer: Viewer, contentId: string, db?: Db) {
  const d = db ?? (await getDb());
  if (!viewer.orgId || !can(viewer, "admin", orgFacts(viewer.orgId))) forbidden();
  await d.transaction(async (tx) => {
    const res = await tx.delete(announcements).where(and(eq(announcements.contentId, contentId), eq(announcements.orgId, viewer.orgId!))).returning();
    if (!res.length) notFound();
    await appendAudit(tx, { orgId: viewer.orgId!, actorId: viewer.id, action: "announcement.unpin", targetKind: "content", targetId: contentId, data: {} });
  });
}

/** One post with its comments, or 404 when the viewer may not see it. */
export async function getPostPage(viewer: Viewer, id: string, db?: Db) {
  const d = db ?? (await getDb());
  const [post] = await hydratePosts(d, viewer, [id]);
  if (!post || post.kind === "comment") notFound();
  const commentIds = await query<{ id: string }>(
    d,
    sql`select id, created_at from content where parent_id = ${id} and kind = 'comment' and deleted_at is null
        union all
        select k.id, k.created_at from content p join content k on k.parent_id = p.id
        where p.parent_id = ${id} and p.kind = 'comment' and k.kind = 'comment' and k.deleted_at is null
        order by created_at, id limit 500`,
  );
  const comments = await hydratePosts(d, viewer, commentIds.map((c) => c.id));
  return { post, comments };
}

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
  if (!space || !can(viewer, "read", space)) notFound();
  const cursor = decodeCursor(cursorRaw);
  const skeleton = await feedSkeleton(d, viewer, { spaceIds: [spaceId], authorIds: [], tags: [] }, { cursor, limit: PAGE_SIZE + 1 });
  const pageItems = skeleton.slice(0, PAGE_SIZE);
  const last = pageItems[pageItems.length - 1];
  return {
    posts: await hydratePosts(d, viewer, pageItems.map((p) => p.id)),
    nextCursor: skeleton.length > PAGE_SIZE && last ? encodeCursor({ at: last.createdAt.toISOString(), id: last.id }) : null,
  };
}

// ---------- follows ----------

export type FollowKind = "user" | "space" | "tag";

export async function setFollow(viewer: Viewer, kind: FollowKind, targetId: string, on: boolean, db?: Db) {
  const d = db ?? (await getDb());
  if (!viewer.id || !viewer.orgId) forbidden();
  if (kind === "user") {
    const facts = await loadUserFacts(d, targetId);
    if (!facts || !can(viewer, "read", facts)) notFound();
  } else if (kind === "space") {
    const facts = await loadSpaceFacts(d, targetId);
    if (!facts || !can(viewer, "read", facts)) notFound();
  }
  if (on) {
    await d.insert(follows).values({ userId: viewer.id, targetKind: kind, targetId }).onConflictDoNothing();
  } else {
    await d.delete(follows).where(and(eq(follows.userId, viewer.id), eq(follows.targetKind, kind), eq(follows.targetId, targetId)));
  }
}
