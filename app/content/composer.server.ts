import { json } from "@remix-run/node";
import { eq } from "drizzle-orm";
import { getDb, type Db } from "~/db/client.server";
import { content } from "~/db/schema";
import { translate, type Locale, type MessageKey } from "~/i18n";
import { loadContentFacts, memberSpaceRows, spaceFactsOf } from "~/policy/facts.server";
import { can, type Viewer } from "~/policy/policy";
import { badRequest } from "~/utils/forms.server";
import { notFound } from "~/utils/http.server";
import { plainTextToDoc } from "./plain-text";
import { createComment, createPost, editPost, InputError } from "./posts.server";
import { isUsageRefusal, USAGE_POLICY_PATH } from "./usage-gate.server";

// The composer's side of posting: which spaces it offers, how a submitted form
// becomes a document (editor JSON, or the no-JavaScript textarea's plain text),
// and how input errors become a translated 400.

export type PostableSpace = { id: string; name: string; slug: string };

/** Spaces the viewer may post in: their memberships, kept only where the policy says `post`. */
export async function postableSpaces(viewer: Viewer, db?: Db): Promise<PostableSpace[]> {
  const rows = await memberSpaceRows(viewer, db);
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
  return { postId: rootPostId(row) };
}

/** The current document of something the viewer may edit; 404 otherwise (even when they can read it). */
export async function getPostForEdit(viewer: Viewer, id: string, db?: Db) {
  const d = db ?? (await getDb());
  const facts = (await loadContentFacts(d, [id])).get(id);
  if (!facts || !can(viewer, "edit", facts)) notFound();
  const [row] = await d
    .select({ id: content.id, kind: content.kind, rootId: content.rootId, bodyJson: content.bodyJson })
    .from(content)
    .where(eq(content.id, id));
  if (!row) notFound();
  return { id: row.id, kind: row.kind, bodyJson: row.bodyJson, postId: rootPostId(row) };
}

/** The page that shows an item: its thread's root (content.root_id), or the item itself. */
function rootPostId(row: { id: string; rootId: string | null }): string {
  return row.rootId ?? row.id;
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
  if (isUsageRefusal(error)) return usageRefusalResponse(locale, values);
  if (!(error instanceof InputError)) throw error;
  // Echo what was typed, so the form keeps it; never echo large JSON back needlessly.
  const kept = Object.fromEntries(Object.entries(values).filter(([, v]) => v.length <= 200_000));
  return badRequest({ errors: { [error.field]: translate(locale, inputErrorKey(error.message)) }, values: kept });
}

/**
 * The usage-policy gate's refusal (usage-gate.server.ts) answered to a form: 403, the message
 * in the viewer's language and the policy page's link, which composers show under the form.
 */
export function usageRefusalResponse(locale: Locale, values: Record<string, string>) {
  const message = translate(locale, "usagePolicy.required");
  const kept = Object.fromEntries(Object.entries(values).filter(([, v]) => v.length <= 200_000));
  return json({ ok: false as const, errors: { _form: message }, formError: message, formLink: USAGE_POLICY_PATH, values: kept }, { status: 403 });
}
