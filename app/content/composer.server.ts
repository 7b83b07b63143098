import { and, eq, inArray } from "drizzle-orm";
import { getDb, type Db, type DbOrTx } from "~/db/client.server";
import { content, spaces } from "~/db/schema";
import { translate, type Locale, type MessageKey } from "~/i18n";
import { loadContentFacts, spaceFactsOf } from "~/policy/facts.server";
import { can, type Viewer } from "~/policy/policy";
import { badRequest } from "~/utils/forms.server";
import { notFound } from "~/utils/http.server";
import { plainTextToDoc } from "./plain-text";
import { createComment, createPost, editPost, InputError } from "./posts.server";

// The composer's side of posting: which spaces it offers, how a submitted form
// becomes a document (editor JSON, or the no-JavaScript textarea's plain text),
// and how input errors become a translated 400.

export type PostableSpace = { id: string; name: string; slug: string };

/** Spaces the viewer may post in: their memberships, kept only where the policy says `post`. */
export async function postableSpaces(viewer: Viewer, db?: Db): Promise<PostableSpace[]> {
  if (!viewer.id || !viewer.orgId || viewer.memberSpaceIds.size === 0) return [];
  const d = db ?? (await getDb());
  const rows = await d
    .select()
    .from(spaces)
    .where(and(eq(spaces.orgId, viewer.orgId), inArray(spaces.id, [...viewer.memberSpaceIds])));
  return rows
    .filter((s) => can(viewer, "post", spaceFactsOf(s)))
    .map((s) => ({ id: s.id, name: s.name, slug: s.slug }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export type BodyFields = { body?: string; bodyText?: string };

/** The editor's JSON when present; otherwise the fallback textarea's plain text as paragraphs. */
export function bodyFromForm({ body, bodyText }: BodyFields): unknown {
  if (body && body.trim()) return body;
  return plainTextToDoc(bodyText ?? "");
}

export async function submitPost(viewer: Viewer, input: BodyFields & { spaceId?: string }, db?: Db) {
  return createPost(viewer, { spaceId: input.spaceId || null, body: bodyFromForm(input) }, db);
}

export async function submitComment(viewer: Viewer, input: BodyFields & { parentId: string }, db?: Db) {
  return createComment(viewer, { parentId: input.parentId, body: bodyFromForm(input) }, db);
}

/** Saves a new version; returns the post to go back to (a comment's post, or the post itself). */
export async function submitEdit(viewer: Viewer, id: string, input: BodyFields, db?: Db) {
  const d = db ?? (await getDb());
  const row = await editPost(viewer, id, bodyFromForm(input), d);
  return { postId: await rootPostId(d, row) };
}

/** The current document of something the viewer may edit; 404 otherwise (even when they can read it). */
export async function getPostForEdit(viewer: Viewer, id: string, db?: Db) {
  const d = db ?? (await getDb());
  const facts = (await loadContentFacts(d, [id])).get(id);
  if (!facts || !can(viewer, "edit", facts)) notFound();
  const [row] = await d
    .select({ id: content.id, kind: content.kind, parentId: content.parentId, bodyJson: content.bodyJson })
    .from(content)
    .where(eq(content.id, id));
  if (!row) notFound();
  return { id: row.id, kind: row.kind, bodyJson: row.bodyJson, postId: await rootPostId(d, row) };
}

/** Comments are threaded one level below their post: walk up at most two parents. */
export async function rootPostId(db: DbOrTx, row: { id: string; kind: string; parentId: string | null }): Promise<string> {
  let cur = row;
  for (let i = 0; i < 2 && cur.kind === "comment" && cur.parentId; i++) {
    const [parent] = await db
      .select({ id: content.id, kind: content.kind, parentId: content.parentId })
      .from(content)
      .where(eq(content.id, cur.parentId));
    if (!parent) break;
    cur = parent;
  }
  return cur.id;
}

// ---------- input errors ----------

/** Maps an InputError code (or the rich-text parser's message) to the message shown under the field. */
export function inputErrorKey(message: string): MessageKey {
  if (message === "empty") return "post.error.empty";
  if (message === "mention") return "post.error.mention";
  if (/too large|longer than|more than|deeper than|too complex/.test(message)) return "post.error.tooLong";
  if (/link/.test(message)) return "post.error.link";
  return "post.error.invalid";
}

/** An InputError as a 400 with a per-field translated message; anything else is rethrown. */
export function inputErrorResponse(error: unknown, locale: Locale, values: Record<string, string>) {
  if (!(error instanceof InputError)) throw error;
  // Echo what was typed, so the form keeps it; never echo large JSON back needlessly.
  const kept = Object.fromEntries(Object.entries(values).filter(([, v]) => v.length <= 200_000));
  return badRequest({ errors: { [error.field]: translate(locale, inputErrorKey(error.message)) }, values: kept });
}
