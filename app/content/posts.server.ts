import { eq } from "drizzle-orm";
import { authorize } from "~/policy/authorize.server";
import { getDb, type Db, type Tx } from "~/db/client.server";
import { content, contentTags, mentions } from "~/db/schema";
import { loadContentFacts, loadUserFacts } from "~/policy/facts.server";
import { can, type Viewer } from "~/policy/policy";
import { createContent, editContent } from "./content.server";
import { parseRichText } from "./rich-text.server";

// Posts and comments as content: rich text parsed against the editor schema, mentions
// checked against the policy, tags and mentions written in the command's transaction.

export class InputError extends Error {
  constructor(public field: string, message: string) {
    super(message);
  }
}

type Parsed = Extract<ReturnType<typeof parseRichText>, { ok: true }>;

export function parseBody(raw: unknown): Parsed {
  const parsed = parseRichText(raw);
  if (!parsed.ok) throw new InputError("body", parsed.error);
  if (!parsed.text.trim()) throw new InputError("body", "empty");
  return parsed;
}

/** Mentioned people must exist in the org and be visible to the author (barriers): else the write is refused. */
export async function checkMentions(db: Db, viewer: Viewer, ids: string[]) {
  const unique = [...new Set(ids)].filter((id) => id !== viewer.id);
  for (const id of unique) {
    const facts = await loadUserFacts(db, id);
    if (!facts || !can(viewer, "mention", facts)) throw new InputError("body", "mention");
  }
  return unique;
}

function writeEntities(parsed: Parsed, mentioned: string[]) {
  return async (tx: Tx, row: typeof content.$inferSelect) => {
    // a question's tags are its own field (app/qa): an edit through this path keeps them
    if (row.kind !== "question") await tx.delete(contentTags).where(eq(contentTags.contentId, row.id));
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
  authorize(viewer, "read", parent);
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
