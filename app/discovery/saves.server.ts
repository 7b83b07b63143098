import { sql } from "drizzle-orm";
import { getDb, query, type Db } from "~/db/client.server";
import { ts } from "~/db/sql.server";
import { runCommand } from "~/compliance/command.server";
import { createContent } from "~/content/content.server";
import { hydratePosts, type PostView } from "~/content/hydrate.server";
import { parseRichText } from "~/content/rich-text.server";
import { authorize } from "~/policy/authorize.server";
import { loadContentFacts, loadSpaceFacts } from "~/policy/facts.server";
import type { Viewer } from "~/policy/policy";
import { now } from "~/utils/clock.server";

// Save (a personal reading list) and share (a post in another space that links the
// original). A share is ordinary archived content whose body carries the link; the
// original is shown only to those the policy lets read it.

export async function setSaved(viewer: Viewer, contentId: string, on: boolean, db?: Db): Promise<boolean> {
  const d = db ?? (await getDb());
  const facts = (await loadContentFacts(d, [contentId])).get(contentId);
  authorize(viewer, "save", facts);
  return runCommand(d, async (c) => {
    const changed = on
      ? await query(c.tx, sql`insert into saved_items (user_id, content_id, org_id, created_at) values (${viewer.id}, ${contentId}, ${facts.orgId}, ${ts(now())}) on conflict do nothing returning content_id`)
      : await query(c.tx, sql`delete from saved_items where user_id = ${viewer.id} and content_id = ${contentId} returning content_id`);
    if (!changed.length) return false;
    await c.emit({ orgId: facts.orgId, topic: on ? "discovery.saved" : "discovery.unsaved", subjectId: contentId, payload: { userId: viewer.id } });
    return true;
  });
}

/** The viewer's saved items, newest first, re-checked by the policy (lost access hides them). */
export async function savedList(viewer: Viewer, db?: Db): Promise<PostView[]> {
  if (!viewer.id) return [];
  const d = db ?? (await getDb());
  const rows = await query<{ content_id: string }>(d, sql`select content_id from saved_items where user_id = ${viewer.id} order by created_at desc limit 200`);
  return hydratePosts(d, viewer, rows.map((r) => r.content_id));
}

export async function isSaved(viewer: Viewer, contentId: string, db?: Db): Promise<boolean> {
  if (!viewer.id) return false;
  const d = db ?? (await getDb());
  const rows = await query(d, sql`select 1 from saved_items where user_id = ${viewer.id} and content_id = ${contentId}`);
  return rows.length > 0;
}

export const shareLink = (id: string) => `/posts/${id}`;

/** Shares `originalId` into `spaceId` with an optional note; returns the new post. */
export async function sharePost(viewer: Viewer, originalId: string, input: { spaceId: string; note: string }, db?: Db) {
  const d = db ?? (await getDb());
  const facts = (await loadContentFacts(d, [originalId])).get(originalId);
  authorize(viewer, "share", facts);
  const space = await loadSpaceFacts(d, input.spaceId);
  authorize(viewer, "post", space);
  const note = input.note.trim();
  const link = shareLink(originalId);
  const doc = {
    type: "doc",
    content: [
      ...(note ? [{ type: "paragraph", content: [{ type: "text", text: note }] }] : []),
      { type: "paragraph", content: [{ type: "text", text: link }] },
    ],
  };
  const parsed = parseRichText(doc);
  if (!parsed.ok) throw new Error(`share body rejected: ${parsed.error}`);
  // The archived body (JSON) carries the link; the displayed text and HTML carry only the
  // note, so a reader who may not see the original learns nothing of it, not even its id.
  const shown = parseRichText({ type: "doc", content: doc.content.slice(0, note ? 1 : 0) });
  const display = shown.ok ? shown : { text: "", html: "" };
  return createContent(
    viewer,
    { kind: "post", spaceId: input.spaceId, bodyJson: parsed.doc, bodyText: display.text, bodyHtml: display.html },
    d,
    async (tx, row) => {
      await tx.execute(sql`insert into shares (share_id, original_id, org_id, created_at) values (${row.id}, ${originalId}, ${row.orgId}, ${ts(row.createdAt)})`);
      return { sharedId: originalId };
    },
  );
}

export type ShareCard = { shareId: string; original: PostView | null };

/** For shares among `ids`: the original as this viewer may see it, or null ("unavailable"). */
export async function shareCards(viewer: Viewer, ids: string[], db?: Db): Promise<Record<string, ShareCard>> {
  if (!ids.length) return {};
  const d = db ?? (await getDb());
  const rows = await query<{ share_id: string; original_id: string }>(
    d,
    sql`select share_id, original_id from shares where share_id in (${sql.join(ids.map((i) => sql`${i}`), sql`, `)})`,
  );
  if (!rows.length) return {};
  const originals = new Map((await hydratePosts(d, viewer, rows.map((r) => r.original_id))).map((v) => [v.id, v]));
  return Object.fromEntries(rows.map((r) => [r.share_id, { shareId: r.share_id, original: originals.get(r.original_id) ?? null }]));
}
