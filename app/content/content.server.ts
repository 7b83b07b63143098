import { and, eq, sql } from "drizzle-orm";
import { authorize } from "~/policy/authorize.server";
import { getDb, query, type Db, type DbOrTx, type Tx } from "~/db/client.server";
import { content, reactions } from "~/db/schema";
import type { ArchiveAction } from "~/compliance/archive.server";
import { runCommand, type Command } from "~/compliance/command.server";
import { intactRowIds } from "~/compliance/verify.server";
import { can, type Viewer } from "~/policy/policy";
import { loadContentFacts, loadSpaceFacts } from "~/policy/facts.server";
import { now } from "~/utils/clock.server";
import { notFound, forbidden } from "~/utils/http.server";
import { newId } from "~/utils/ids";
import { requireUsageAcknowledged } from "./usage-gate.server";

// Content commands: each one asks the policy, then writes the current row, its
// archive version and its outbox event in one transaction. Nothing is updated
// without a version; nothing is hard-deleted.

export type ContentKind = "post" | "comment" | "question" | "answer";
export const REACTIONS = ["like", "celebrate", "insightful", "helpful", "curious"] as const;
export type ReactionKind = (typeof REACTIONS)[number];

export type ContentBody = { title?: string; bodyJson: unknown; bodyText: string; bodyHtml?: string };

/** Runs inside the command's transaction after the row is written (tags, mentions …). */
export type AfterWrite = (tx: Tx, row: Row) => Promise<Record<string, unknown> | void>;

type Row = typeof content.$inferSelect;

const snapshot = (r: Row) => ({
  kind: r.kind,
  spaceId: r.spaceId,
  parentId: r.parentId,
  authorId: r.authorId,
  title: r.title,
  body: r.bodyJson,
  text: r.bodyText,
  deleted: r.deletedAt !== null,
  // supervision: present only on versions of an item hidden pending investigation
  ...(r.hiddenAt ? { hidden: true, hiddenReason: r.hiddenReason } : {}),
  createdAt: r.createdAt.toISOString(),
});

/** Archives the row's new state as its version and emits the matching event, in the command. */
async function recordVersion(c: Command, row: Row, action: ArchiveAction, actorId: string, topic: string, payload: Record<string, unknown>) {
  await c.archive({
    orgId: row.orgId,
    subjectKind: row.kind,
    subjectId: row.id,
    version: row.version,
    action,
    actorId,
    data: snapshot(row),
    at: row.updatedAt,
  });
  await c.emit({ orgId: row.orgId, topic, subjectId: row.id, payload: { kind: row.kind, version: row.version, ...payload } });
}

async function lockRow(tx: Tx, id: string): Promise<Row | null> {
  const rows = await query<{ id: string }>(tx, sql`select id from content where id = ${id} for update`);
  if (!rows.length) return null;
  const [row] = await tx.select().from(content).where(eq(content.id, id));
  return row ?? null;
}

async function factsOrNotFound(db: Db | Tx, id: string) {
  const facts = (await loadContentFacts(db, [id])).get(id);
  if (!facts) notFound();
  return facts;
}

export async function createContent(
  viewer: Viewer,
  input: ContentBody & { kind: ContentKind; spaceId?: string | null; parentId?: string | null },
  db?: Db,
  after?: AfterWrite,
): Promise<Row> {
  const d = db ?? (await getDb());
  if (!viewer.id || !viewer.orgId) forbidden();
  let spaceId = input.spaceId ?? null;
  let held = false;
  if (input.parentId) {
    const parent = await factsOrNotFound(d, input.parentId);
    // judged on the whole thread (policy.ts): a hidden or deleted root answers 404
    authorize(viewer, "comment", parent);
    spaceId = (parent.root ? parent.root.space : parent.space)?.id ?? null;
  } else if (spaceId) {
    const space = await loadSpaceFacts(d, spaceId);
    authorize(viewer, "read", space);
    authorize(viewer, "post", space);
    // a pre-approval space holds every new thread until each tier approves (policy.ts holdAllows)
    held = (space.approvalTiers ?? 0) > 0;
  }
  // every kind (post, comment, question, answer, share) is written here: one gate for all,
  // after the policy (what the viewer may not see stays a 404)
  await requireUsageAcknowledged(d, viewer);
  const t = now();
  return runCommand(d, async (c) => {
    const tx = c.tx;
    const [row] = await tx
      .insert(content)
      .values({
        id: newId(),
        orgId: viewer.orgId!,
        kind: input.kind,
        spaceId,
        parentId: input.parentId ?? null,
        authorId: viewer.id!,
        title: input.title ?? "",
        bodyJson: input.bodyJson,
        bodyText: input.bodyText,
        bodyHtml: input.bodyHtml ?? "",
        version: 1,
        approval: held ? "pending" : null,
        approvalTier: held ? 1 : null,
        createdAt: t,
        updatedAt: t,
      })
      .returning();
    const extra = (await after?.(tx, row)) ?? {};
    await recordVersion(c, row, "create", viewer.id!, "content.created", { authorId: row.authorId, parentId: row.parentId, ...(held ? { held: true } : {}), ...extra });
    return row;
  });
}

export async function editContent(viewer: Viewer, id: string, body: ContentBody, db?: Db, after?: AfterWrite): Promise<Row> {
  const d = db ?? (await getDb());
  const facts = await factsOrNotFound(d, id);
  authorize(viewer, "edit", facts);
  await requireUsageAcknowledged(d, viewer);
  return runCommand(d, async (c) => {
    const tx = c.tx;
    const cur = await lockRow(tx, id);
    if (!cur || cur.deletedAt) notFound();
    const t = now();
    const version = cur.version + 1;
    const [row] = await tx
      .update(content)
      .set({
        title: body.title ?? cur.title,
        bodyJson: body.bodyJson,
        bodyText: body.bodyText,
        bodyHtml: body.bodyHtml ?? cur.bodyHtml,
        version,
        updatedAt: t,
      })
      .where(eq(content.id, id))
      .returning();
    const extra = (await after?.(tx, row)) ?? {};
    await recordVersion(c, row, "edit", viewer.id!, "content.updated", extra);
    return row;
  });
}

async function setDeleted(viewer: Viewer, id: string, deleted: boolean, db?: Db): Promise<Row> {
  const d = db ?? (await getDb());
  const facts = await factsOrNotFound(d, id);
  if (deleted) {
    authorize(viewer, "delete", facts);
  } else if (!can(viewer, "restore", facts)) {
    notFound();
  }
  return runCommand(d, async (c) => {
    const tx = c.tx;
    const cur = await lockRow(tx, id);
    if (!cur || (cur.deletedAt !== null) === deleted) notFound();
    const t = now();
    const version = cur.version + 1;
    const [row] = await tx
      .update(content)
      .set({ deletedAt: deleted ? t : null, version, updatedAt: t })
      .where(eq(content.id, id))
      .returning();
    await recordVersion(c, row, deleted ? "delete" : "restore", viewer.id!, deleted ? "content.deleted" : "content.restored", {});
    return row;
  });
}

/** A tombstone: hidden from everyone but compliance; every version stays in the archive. */
export const deleteContent = (viewer: Viewer, id: string, db?: Db) => setDeleted(viewer, id, true, db);
export const restoreContent = (viewer: Viewer, id: string, db?: Db) => setDeleted(viewer, id, false, db);

/**
 * Hides an item pending investigation (a reason, shown to its author) or lifts the hold (null):
 * a `moderate` version in the archive and a `content.hidden` / `content.unhidden` event, so
 * search re-derives its documents. The policy does the rest (policy.ts hiddenFrom): the item,
 * and its thread when it is a root, is then seen by its author only, and by compliance in the
 * console. Compliance only, never on one's own content; `after` runs in the same command.
 */
export async function setContentHidden(viewer: Viewer, id: string, reason: string | null, db?: Db, after?: (c: Command, row: Row) => Promise<void>): Promise<Row> {
  const d = db ?? (await getDb());
  const facts = await factsOrNotFound(d, id);
  if (!can(viewer, "review", facts)) notFound();
  if (facts.authorId === viewer.id) forbidden();
  return runCommand(d, async (c) => {
    const cur = await lockRow(c.tx, id);
    if (!cur || (cur.hiddenAt !== null) === (reason !== null)) notFound();
    const t = now();
    const [row] = await c.tx
      .update(content)
      .set({ hiddenAt: reason !== null ? t : null, hiddenReason: reason, version: cur.version + 1, updatedAt: t })
      .where(eq(content.id, id))
      .returning();
    await recordVersion(c, row, "moderate", viewer.id!, reason !== null ? "content.hidden" : "content.unhidden", { authorId: row.authorId });
    await after?.(c, row);
    return row;
  });
}

/** Sets the viewer's reaction on or off; "toggle" flips what is stored (the form without JavaScript). */
export async function setReaction(viewer: Viewer, id: string, kind: ReactionKind, want: boolean | "toggle", db?: Db) {
  const d = db ?? (await getDb());
  const facts = await factsOrNotFound(d, id);
  authorize(viewer, "react", facts);
  const subjectId = `${id}:${viewer.id}:${kind}`;
  return runCommand(d, async (c) => {
    const tx = c.tx;
    const t = now();
    const on =
      want === "toggle"
        ? (await query(tx, sql`select 1 from reactions where content_id = ${id} and user_id = ${viewer.id} and kind = ${kind} for update`)).length === 0
        : want;
    const changed = on
      ? await tx
          .insert(reactions)
          .values({ contentId: id, userId: viewer.id!, kind, createdAt: t })
          .onConflictDoNothing()
          .returning()
      : await tx
          .delete(reactions)
          .where(and(eq(reactions.contentId, id), eq(reactions.userId, viewer.id!), eq(reactions.kind, kind)))
          .returning();
    if (changed.length === 0) return false;
    const [prev] = await query<{ v: number | null }>(
      tx,
      sql`select max(version) as v from archive_records where subject_id = ${subjectId}`,
    );
    const version = Number(prev?.v ?? 0) + 1;
    await c.archive({
      orgId: facts.orgId,
      subjectKind: "reaction",
      subjectId,
      version,
      action: on ? "react" : "unreact",
      actorId: viewer.id!,
      data: { contentId: id, userId: viewer.id, reaction: kind, on },
      at: t,
    });
    await c.emit({
      orgId: facts.orgId,
      topic: on ? "reaction.added" : "reaction.removed",
      subjectId: id,
      payload: { reaction: kind, userId: viewer.id, authorId: facts.authorId },
    });
    return true;
  });
}

/** Every version of one item, oldest first (for the visible edit history). */
export async function contentHistory(viewer: Viewer, id: string, db?: Db) {
  const d = db ?? (await getDb());
  const facts = await factsOrNotFound(d, id);
  authorize(viewer, "history", facts);
  return archivedVersions(d, facts.orgId, id);
}

export type ArchivedVersion = { id: number; version: number; action: string; actor_id: string; at: string; data: Record<string, unknown> };

/** The archived versions of one item that stand in the chain: a forged or altered row is never shown as a version. */
export async function archivedVersions(db: DbOrTx, orgId: string, subjectId: string): Promise<ArchivedVersion[]> {
  const rows = await query<ArchivedVersion>(
    db,
    sql`select id, version, action, actor_id, at, data from archive_records
        where subject_id = ${subjectId} and org_id = ${orgId} order by version, seq`,
  );
  const intact = await intactRowIds(db, "archive", orgId, rows.map((r) => Number(r.id)));
  return rows.filter((r) => intact.has(Number(r.id)));
}
