import { sql, type SQL } from "drizzle-orm";
import type { z } from "zod";
import { getDb, query, type Db } from "~/db/client.server";
import { hydratePosts, type PostView } from "~/content/hydrate.server";
import { createComment, createPost } from "~/content/posts.server";
import { decodeCursor, encodeCursor } from "~/feed/feed-cursor";
import { searchContent } from "~/knowledge/search.server";
import { answerQuestion, askQuestion, parseTags } from "~/qa/questions.server";
import { authorize } from "~/policy/authorize.server";
import { loadContentFacts, loadSpaceFacts, loadUserFacts } from "~/policy/facts.server";
import { can, type SpaceFacts, type Viewer } from "~/policy/policy";
import { listableSpaceCondition, readableContentCondition, readableUserCondition } from "~/policy/scopes.server";
import { notFound } from "~/utils/http.server";
import { problem } from "./api-http.server";
import type { ContentItem, Person, Space } from "./api-schemas.server";
import type { TokenPrincipal } from "./tokens.server";

// What /api/v1 reads and writes, as a token's viewer: lists start from the policy's SQL scopes,
// every item is hydrated and re-checked by the policy, writes go through the pages' domain calls.

type Item = z.infer<typeof ContentItem>;
type Kind = Item["kind"];
export type Page<T> = { items: T[]; nextCursor: string | null };

const badCursor = () => {
  throw problem({ status: 400, title: "Bad Request", detail: "Invalid cursor.", errors: [{ path: "cursor", message: "invalid" }] });
};

function urlOf(v: PostView): string {
  if (v.kind === "question") return `/questions/${v.id}`;
  if (v.kind === "post") return `/posts/${v.id}`;
  return v.kind === "answer" && v.parentId ? `/questions/${v.parentId}#a-${v.id}` : `/posts/${v.parentId ?? v.id}`;
}

export function present(v: PostView): Item {
  return {
    id: v.id,
    kind: v.kind as Kind,
    title: v.title,
    text: v.text,
    html: v.html,
    parentId: v.parentId,
    space: v.space,
    author: { id: v.author.id, name: v.author.name },
    createdAt: v.createdAt,
    edited: v.edited,
    commentCount: v.commentCount,
    reactions: v.reactions,
    url: urlOf(v),
  };
}

/** A keyset page of content ids under `where` (newest first), hydrated and re-checked by the policy. */
async function contentPage(db: Db, viewer: Viewer, where: SQL, cursorRaw: string | undefined, limit: number): Promise<Page<Item>> {
  const cursor = cursorRaw ? (decodeCursor(cursorRaw) ?? badCursor()) : null;
  const after = cursor ? sql`and (c.created_at, c.id) < (${cursor.at}::timestamptz, ${cursor.id})` : sql``;
  const rows = await query<{ id: string; created_at: string | Date }>(
    db,
    sql`select c.id, c.created_at from content c
        where ${where} and ${readableContentCondition(viewer, sql.raw("c"))} ${after}
        order by c.created_at desc, c.id desc limit ${limit + 1}`,
  );
  const more = rows.length > limit;
  const pageRows = rows.slice(0, limit);
  const views = await hydratePosts(db, viewer, pageRows.map((r) => r.id));
  const last = pageRows.at(-1);
  return {
    items: views.map(present),
    nextCursor: more && last ? encodeCursor({ at: new Date(last.created_at).toISOString(), id: last.id }) : null,
  };
}

/** Posts or questions the viewer may read, optionally in one space (a space hidden from them is 404). */
export async function listRoots(viewer: Viewer, kind: "post" | "question", opts: { space?: string; cursor?: string; limit: number }, db?: Db) {
  const d = db ?? (await getDb());
  if (opts.space) authorize(viewer, "read", await loadSpaceFacts(d, opts.space));
  const inSpace = opts.space ? sql`and c.space_id = ${opts.space}` : sql``;
  return contentPage(d, viewer, sql`c.kind = ${kind} ${inSpace}`, opts.cursor, opts.limit);
}

/** One item of a kind, or 404 when it is of another kind or hidden from the viewer. */
export async function getItem(viewer: Viewer, id: string, kind: Kind, db?: Db): Promise<Item> {
  const d = db ?? (await getDb());
  const facts = (await loadContentFacts(d, [id])).get(id);
  authorize(viewer, "read", facts);
  if (facts.contentKind !== kind) notFound();
  const [view] = await hydratePosts(d, viewer, [id]);
  if (!view) notFound();
  return present(view);
}

/** The comments of a post's thread, or the answers of a question (its parent must be readable and of its kind). */
export async function listChildren(viewer: Viewer, parentId: string, parentKind: "post" | "question", opts: { cursor?: string; limit: number }, db?: Db) {
  const d = db ?? (await getDb());
  await getItem(viewer, parentId, parentKind, d);
  const where = parentKind === "post" ? sql`c.root_id = ${parentId} and c.kind = 'comment'` : sql`c.parent_id = ${parentId} and c.kind = 'answer'`;
  return contentPage(d, viewer, where, opts.cursor, opts.limit);
}

/** Plain text as the editor's document: one paragraph per line. */
export function textDoc(text: string) {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  return { type: "doc", content: lines.map((l) => (l ? { type: "paragraph", content: [{ type: "text", text: l }] } : { type: "paragraph" })) };
}

const bodyOf = (input: { text?: string; body?: Record<string, unknown> }) => input.body ?? textDoc(input.text ?? "");

async function created(db: Db, viewer: Viewer, id: string) {
  const [view] = await hydratePosts(db, viewer, [id]);
  if (!view) notFound();
  return present(view);
}

export async function apiCreatePost(viewer: Viewer, input: { text?: string; body?: Record<string, unknown>; spaceId?: string | null }, db?: Db) {
  const d = db ?? (await getDb());
  const row = await createPost(viewer, { spaceId: input.spaceId ?? null, body: bodyOf(input) }, d);
  return created(d, viewer, row.id);
}

export async function apiCreateComment(viewer: Viewer, postId: string, input: { text?: string; body?: Record<string, unknown> }, db?: Db) {
  const d = db ?? (await getDb());
  await getItem(viewer, postId, "post", d);
  const row = await createComment(viewer, { parentId: postId, body: bodyOf(input) }, d);
  return created(d, viewer, row.id);
}

export async function apiAskQuestion(
  viewer: Viewer,
  input: { title: string; text?: string; body?: Record<string, unknown>; tags: string[]; spaceId?: string | null },
  db?: Db,
) {
  const d = db ?? (await getDb());
  const row = await askQuestion(viewer, { title: input.title, body: bodyOf(input), tags: parseTags(input.tags), spaceId: input.spaceId ?? null }, d);
  return created(d, viewer, row.id);
}

export async function apiAnswer(viewer: Viewer, questionId: string, input: { text?: string; body?: Record<string, unknown> }, db?: Db) {
  const d = db ?? (await getDb());
  await getItem(viewer, questionId, "question", d);
  const row = await answerQuestion(viewer, questionId, bodyOf(input), d);
  return created(d, viewer, row.id);
}

// ---------- name-ordered pages (spaces, people) ----------

const encodeNameCursor = (name: string, id: string) => Buffer.from(JSON.stringify([name, id])).toString("base64url");

function decodeNameCursor(raw: string | undefined): [string, string] | null {
  if (!raw) return null;
  try {
    const v = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === "string" && typeof v[1] === "string" && v[1].length <= 64) return [v[0], v[1]];
  } catch {
    // fall through
  }
  return badCursor();
}

type SpaceRowRaw = { id: string; org_id: string; slug: string; name: string; description: string; visibility: string; join_policy: string; allowed_departments: string[] };
const factsOf = (s: SpaceRowRaw): SpaceFacts => ({
  kind: "space",
  id: s.id,
  orgId: s.org_id,
  visibility: s.visibility as SpaceFacts["visibility"],
  joinPolicy: s.join_policy as SpaceFacts["joinPolicy"],
  allowedDepartments: s.allowed_departments,
});

function presentSpace(viewer: Viewer, r: SpaceRowRaw): z.infer<typeof Space> {
  const facts = factsOf(r);
  return {
    id: r.id,
    slug: r.slug,
    name: r.name,
    description: can(viewer, "list", facts) ? r.description : "",
    visibility: r.visibility as "open",
    joinPolicy: r.join_policy as "open",
    member: viewer.memberSpaceIds.has(r.id),
    canRead: can(viewer, "read", facts),
    canPost: can(viewer, "post", facts),
  };
}

/** Spaces the viewer sees in the directory (the `list` rule), by name. */
export async function apiListSpaces(viewer: Viewer, opts: { cursor?: string; limit: number }, db?: Db): Promise<Page<z.infer<typeof Space>>> {
  const d = db ?? (await getDb());
  const c = decodeNameCursor(opts.cursor);
  const after = c ? sql`and (s.name, s.id) > (${c[0]}, ${c[1]})` : sql``;
  const rows = await query<SpaceRowRaw>(
    d,
    sql`select s.id, s.org_id, s.slug, s.name, s.description, s.visibility, s.join_policy, s.allowed_departments from spaces s
        where ${listableSpaceCondition(viewer, sql.raw("s"))} ${after} order by s.name, s.id limit ${opts.limit + 1}`,
  );
  const items = rows.slice(0, opts.limit).filter((r) => can(viewer, "list", factsOf(r)));
  const last = rows.length > opts.limit ? rows[opts.limit - 1] : null;
  return { items: items.map((r) => presentSpace(viewer, r)), nextCursor: last ? encodeNameCursor(last.name, last.id) : null };
}

export async function apiGetSpace(viewer: Viewer, id: string, db?: Db) {
  const d = db ?? (await getDb());
  const [row] = await query<SpaceRowRaw>(
    d,
    sql`select s.id, s.org_id, s.slug, s.name, s.description, s.visibility, s.join_policy, s.allowed_departments from spaces s where s.id = ${id}`,
  );
  const facts = row ? factsOf(row) : null;
  if (!facts || !can(viewer, "list", facts)) notFound();
  return presentSpace(viewer, row);
}

/** People the viewer may see (the user `read` rule), active ones, by name. */
export async function apiListPeople(viewer: Viewer, opts: { q?: string; cursor?: string; limit: number }, db?: Db): Promise<Page<z.infer<typeof Person>>> {
  const d = db ?? (await getDb());
  const c = decodeNameCursor(opts.cursor);
  const after = c ? sql`and (u.name, u.id) > (${c[0]}, ${c[1]})` : sql``;
  const term = (opts.q ?? "").toLowerCase().replace(/[%_\\]/g, "");
  const like = `%${term}%`;
  const rows = await query<z.infer<typeof Person>>(
    d,
    sql`select u.id, u.name, u.title, u.department, u.region from users u
        where ${readableUserCondition(viewer, sql.raw("u"))} and u.status = 'active'
          and (${term} = '' or lower(u.name) like ${like} or lower(u.email) like ${like}) ${after}
        order by u.name, u.id limit ${opts.limit + 1}`,
  );
  const last = rows.length > opts.limit ? rows[opts.limit - 1] : null;
  return { items: rows.slice(0, opts.limit), nextCursor: last ? encodeNameCursor(last.name, last.id) : null };
}

export async function apiGetPerson(viewer: Viewer, id: string, db?: Db): Promise<z.infer<typeof Person>> {
  const d = db ?? (await getDb());
  authorize(viewer, "read", await loadUserFacts(d, id));
  const [row] = await query<z.infer<typeof Person>>(d, sql`select u.id, u.name, u.title, u.department, u.region from users u where u.id = ${id}`);
  return row;
}

/** Search as the pages search (filter by the policy's facts, then re-check each hit); the cursor is the offset. */
export async function apiSearch(viewer: Viewer, opts: { q: string; kind?: Kind; cursor?: string }, db?: Db): Promise<Page<Item>> {
  let offset = 0;
  if (opts.cursor) {
    if (!/^\d{1,6}$/.test(opts.cursor)) badCursor();
    offset = Number(opts.cursor);
  }
  const result = await searchContent(viewer, { q: opts.q, kinds: opts.kind ? [opts.kind] : undefined, offset, sort: "relevance" }, db);
  return { items: result.hits.map((h) => present(h.post)), nextCursor: result.nextOffset !== null ? String(result.nextOffset) : null };
}

/** Who a token acts as, and what it may do. */
export async function apiMe(principal: TokenPrincipal, db?: Db) {
  const d = db ?? (await getDb());
  const [u] = await query<{ id: string; name: string; email: string; org_id: string }>(d, sql`select id, name, email, org_id from users where id = ${principal.ownerId}`);
  if (!u) notFound();
  return { id: u.id, name: u.name, email: u.email, orgId: u.org_id, token: { kind: principal.kind, scopes: [...principal.scopes] } };
}
