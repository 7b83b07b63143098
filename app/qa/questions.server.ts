import { and, eq, sql } from "drizzle-orm";
import { getDb, query, type Db, type DbOrTx, type Tx } from "~/db/client.server";
import { content, contentTags, follows, mentions, orgs, qaAnswerHealth, qaQuestions, qaSpaceSettings, qaVotes } from "~/db/schema";
import { runCommand, type Command } from "~/compliance/command.server";
import { createContent, deleteContent, editContent } from "~/content/content.server";
import { checkMentions, createComment, editPost, InputError, parseBody } from "~/content/posts.server";
import { isValidHashtag, normalizeHashtag } from "~/content/rich-text";
import { topExperts } from "~/people/expertise.server";
import { authorize } from "~/policy/authorize.server";
import { loadContentFacts } from "~/policy/facts.server";
import { can, type ContentFacts, type Viewer } from "~/policy/policy";
import { now } from "~/utils/clock.server";
import { notFound } from "~/utils/http.server";

// Questions and answers as content: every write goes through createContent/editContent
// or runCommand (row + archive version + outbox event in one transaction); every read
// and every action through the policy. Q&A state (clock, acceptance, duplicates, votes,
// health) lives in the qa_* tables beside the content rows.

export const TITLE_MIN = 8;
export const TITLE_MAX = 200;
export const MAX_TAGS = 5;
/** Routing to experts happens at this fraction of the target, if nobody has answered by then. */
export const ROUTE_FRACTION = 0.25;

/** A 409 with a message key: the request was well-formed but the question does not accept it now. */
export class QaStateError extends Error {
  constructor(public code: "closed" | "duplicateSelf" | "duplicateTarget" | "notAnswer") {
    super(code);
  }
}

const conflict = (code: QaStateError["code"]): never => {
  throw new QaStateError(code);
};

function checkTitle(raw: string): string {
  const title = raw.replace(/\s+/g, " ").trim();
  if (title.length < TITLE_MIN) throw new InputError("title", "titleShort");
  if (title.length > TITLE_MAX) throw new InputError("title", "titleLong");
  return title;
}

/** "#KYC, aml onboarding" → ["#kyc", "#aml", "#onboarding"]; anything that is not a hashtag is refused. */
export function parseTags(raw: string | string[] | undefined): string[] {
  const parts = (Array.isArray(raw) ? raw : [raw ?? ""]).flatMap((s) => s.split(/[\s,]+/)).map((s) => s.replace(/^#/, "").trim()).filter(Boolean);
  const out: string[] = [];
  for (const p of parts) {
    if (!isValidHashtag(p)) throw new InputError("tags", "tagInvalid");
    const tag = `#${normalizeHashtag(p)}`;
    if (!out.includes(tag)) out.push(tag);
  }
  if (out.length > MAX_TAGS) throw new InputError("tags", "tagTooMany");
  return out;
}

async function loadFacts(db: DbOrTx, id: string): Promise<ContentFacts> {
  const facts = (await loadContentFacts(db, [id])).get(id);
  if (!facts) notFound();
  return facts;
}

/** The question's tags ("#kyc"), as content_tags holds them. */
export async function questionTags(db: DbOrTx, questionId: string): Promise<string[]> {
  const rows = await query<{ tag: string }>(db, sql`select tag from content_tags where content_id = ${questionId} and tag like '#%' order by tag`);
  return rows.map((r) => r.tag);
}

/** The response-time target: the space's override, else the organisation's default. */
export async function targetMinutes(db: DbOrTx, orgId: string, spaceId: string | null): Promise<number> {
  if (spaceId) {
    const [s] = await db.select().from(qaSpaceSettings).where(eq(qaSpaceSettings.spaceId, spaceId));
    if (s) return s.targetMinutes;
  }
  const [o] = await db.select({ m: orgs.qaTargetMinutes }).from(orgs).where(eq(orgs.id, orgId));
  return o?.m ?? 120;
}

async function writeTagsAndMentions(tx: Tx, row: typeof content.$inferSelect, tags: string[], mentioned: string[]) {
  await tx.delete(contentTags).where(eq(contentTags.contentId, row.id));
  await tx.delete(mentions).where(eq(mentions.contentId, row.id));
  if (tags.length) await tx.insert(contentTags).values(tags.map((tag) => ({ contentId: row.id, orgId: row.orgId, tag, createdAt: row.createdAt })));
  if (mentioned.length) await tx.insert(mentions).values(mentioned.map((userId) => ({ contentId: row.id, userId })));
}

export type AskInput = { title: string; body: unknown; tags: string[]; spaceId: string | null };

/** A new question: validated title, rich-text body and tags; the asker follows it; the clock starts. */
export async function askQuestion(viewer: Viewer, input: AskInput, db?: Db) {
  const d = db ?? (await getDb());
  const title = checkTitle(input.title);
  const parsed = parseBody(input.body);
  const mentioned = await checkMentions(d, viewer, parsed.entities.mentions);
  const tags = [...new Set([...input.tags, ...parsed.entities.hashtags.map((h) => `#${normalizeHashtag(h)}`)])].slice(0, MAX_TAGS * 2);
  return createContent(
    viewer,
    { kind: "question", spaceId: input.spaceId, title, bodyJson: parsed.doc, bodyText: parsed.text, bodyHtml: parsed.html },
    d,
    async (tx, row) => {
      await writeTagsAndMentions(tx, row, tags, mentioned);
      const minutes = await targetMinutes(tx, row.orgId, row.spaceId);
      const t = row.createdAt.getTime();
      await tx.insert(qaQuestions).values({
        contentId: row.id,
        orgId: row.orgId,
        targetMinutes: minutes,
        routeAt: new Date(t + Math.round(minutes * ROUTE_FRACTION) * 60_000),
        dueAt: new Date(t + minutes * 60_000),
        createdAt: row.createdAt,
      });
      await tx.insert(follows).values({ userId: row.authorId, targetKind: "question", targetId: row.id }).onConflictDoNothing();
      return { tags, mentions: mentioned, title };
    },
  );
}

export async function editQuestion(viewer: Viewer, id: string, input: { title: string; body: unknown; tags: string[] }, db?: Db) {
  const d = db ?? (await getDb());
  const facts = await loadFacts(d, id);
  if (facts.contentKind !== "question") notFound();
  const title = checkTitle(input.title);
  const parsed = parseBody(input.body);
  const mentioned = await checkMentions(d, viewer, parsed.entities.mentions);
  const tags = [...new Set([...input.tags, ...parsed.entities.hashtags.map((h) => `#${normalizeHashtag(h)}`)])];
  return editContent(viewer, id, { title, bodyJson: parsed.doc, bodyText: parsed.text, bodyHtml: parsed.html }, d, async (tx, row) => {
    await writeTagsAndMentions(tx, row, tags, mentioned);
    return { tags, title };
  });
}

/** Locks the question's Q&A row (answers, closing and acceptance serialise on it). */
async function lockQuestion(tx: Tx, questionId: string) {
  const rows = await query<{ content_id: string }>(tx, sql`select content_id from qa_questions where content_id = ${questionId} for update`);
  if (!rows.length) notFound();
  const [q] = await tx.select().from(qaQuestions).where(eq(qaQuestions.contentId, questionId));
  return q!;
}

/** An answer to an open question; the first answer stops the clock. */
export async function answerQuestion(viewer: Viewer, questionId: string, body: unknown, db?: Db) {
  const d = db ?? (await getDb());
  const q = await loadFacts(d, questionId);
  authorize(viewer, "answer", q);
  const parsed = parseBody(body);
  const mentioned = await checkMentions(d, viewer, parsed.entities.mentions);
  const [state] = await d.select({ status: qaQuestions.status }).from(qaQuestions).where(eq(qaQuestions.contentId, questionId));
  if (!state) notFound();
  if (state.status !== "open") conflict("closed");
  return createContent(
    viewer,
    { kind: "answer", parentId: questionId, bodyJson: parsed.doc, bodyText: parsed.text, bodyHtml: parsed.html },
    d,
    async (tx, row) => {
      // re-checked under the lock: a close that committed meanwhile wins, and nothing is stored
      const locked = await lockQuestion(tx, questionId);
      if (locked.status !== "open") conflict("closed");
      await tx
        .update(qaQuestions)
        .set({ firstAnswerAt: sql`coalesce(${qaQuestions.firstAnswerAt}, ${row.createdAt.toISOString()}::timestamptz)` })
        .where(eq(qaQuestions.contentId, questionId));
      await writeTagsAndMentions(tx, row, [], mentioned);
      return { questionId, mentions: mentioned, tags: await questionTags(tx, questionId) };
    },
  );
}

export async function editAnswer(viewer: Viewer, id: string, body: unknown, db?: Db) {
  const d = db ?? (await getDb());
  const facts = await loadFacts(d, id);
  if (facts.contentKind !== "answer") notFound();
  return editPost(viewer, id, body, d);
}

/** A comment on a question or an answer (threaded like post comments). */
export async function commentOn(viewer: Viewer, parentId: string, body: unknown, db?: Db) {
  const d = db ?? (await getDb());
  const facts = await loadFacts(d, parentId);
  if (facts.contentKind !== "question" && facts.contentKind !== "answer") notFound();
  return createComment(viewer, { parentId, body }, d);
}

/** Tombstones a question, an answer or a comment (the archive keeps every version). */
export async function deleteQaItem(viewer: Viewer, id: string, db?: Db) {
  return deleteContent(viewer, id, db);
}

/** The question an answer belongs to (its parent), or the question itself. */
export async function questionIdOf(db: DbOrTx, id: string): Promise<string> {
  const [row] = await db.select({ kind: content.kind, parentId: content.parentId }).from(content).where(eq(content.id, id));
  if (!row) notFound();
  if (row.kind === "question") return id;
  if (row.kind === "answer" && row.parentId) return row.parentId;
  return notFound();
}

async function nextVersion(tx: Tx, subjectId: string) {
  const [prev] = await query<{ v: number | null }>(tx, sql`select max(version) as v from archive_records where subject_id = ${subjectId}`);
  return Number(prev?.v ?? 0) + 1;
}

// ---------- votes ----------

export type VoteValue = -1 | 0 | 1;

/**
 * Sets the viewer's vote on a question or an answer (0 withdraws it). One vote per person:
 * the same vote twice changes nothing and writes nothing. Archived like a reaction.
 */
export async function vote(viewer: Viewer, id: string, value: VoteValue, db?: Db): Promise<{ changed: boolean; previous: VoteValue }> {
  const d = db ?? (await getDb());
  const facts = await loadFacts(d, id);
  authorize(viewer, "vote", facts);
  const questionId = await questionIdOf(d, id);
  const subjectId = `${id}:${viewer.id}:vote`;
  return runCommand(d, async (c) => {
    const tx = c.tx;
    const existing = await query<{ value: number }>(tx, sql`select value from qa_votes where content_id = ${id} and user_id = ${viewer.id} for update`);
    const previous = (existing[0]?.value ?? 0) as VoteValue;
    if (previous === value) return { changed: false, previous };
    const t = now();
    if (value === 0) {
      await tx.delete(qaVotes).where(and(eq(qaVotes.contentId, id), eq(qaVotes.userId, viewer.id!)));
    } else {
      await tx
        .insert(qaVotes)
        .values({ contentId: id, userId: viewer.id!, value, updatedAt: t })
        .onConflictDoUpdate({ target: [qaVotes.contentId, qaVotes.userId], set: { value, updatedAt: t } });
    }
    const tags = await questionTags(tx, questionId);
    await c.archive({
      orgId: facts.orgId,
      subjectKind: "vote",
      subjectId,
      version: await nextVersion(tx, subjectId),
      action: "vote",
      actorId: viewer.id!,
      data: { contentId: id, userId: viewer.id, value, previous },
      at: t,
    });
    await c.emit({
      orgId: facts.orgId,
      topic: "qa.vote.changed",
      subjectId: id,
      payload: { contentId: id, contentKind: facts.contentKind, authorId: facts.authorId, voterId: viewer.id, value, previous, tags },
    });
    return { changed: true, previous };
  });
}

// ---------- acceptance ----------

async function emitAcceptance(c: Command, orgId: string, topic: "qa.answer.accepted" | "qa.answer.unaccepted", questionId: string, answerId: string, tags: string[]) {
  const [a] = await c.tx.select({ authorId: content.authorId }).from(content).where(eq(content.id, answerId));
  await c.emit({ orgId, topic, subjectId: answerId, payload: { questionId, answerId, answerAuthorId: a?.authorId ?? null, tags } });
}

/**
 * The asker (or a space admin) accepts one answer; accepting another moves the mark;
 * `answerId: null` withdraws it. Archived as a version of the question's acceptance.
 */
export async function setAcceptedAnswer(viewer: Viewer, questionId: string, answerId: string | null, db?: Db) {
  const d = db ?? (await getDb());
  const q = await loadFacts(d, questionId);
  if (q.contentKind !== "question") notFound();
  authorize(viewer, "accept", q);
  if (answerId) {
    const a = await loadFacts(d, answerId);
    if (!can(viewer, "read", a)) notFound();
    const [row] = await d.select({ parentId: content.parentId, kind: content.kind }).from(content).where(eq(content.id, answerId));
    if (row?.kind !== "answer" || row.parentId !== questionId) conflict("notAnswer");
  }
  const subjectId = `${questionId}:accepted`;
  return runCommand(d, async (c) => {
    const tx = c.tx;
    const locked = await lockQuestion(tx, questionId);
    const previous = locked.acceptedAnswerId;
    if (previous === answerId) return { changed: false };
    await tx.update(qaQuestions).set({ acceptedAnswerId: answerId }).where(eq(qaQuestions.contentId, questionId));
    const tags = await questionTags(tx, questionId);
    await c.archive({
      orgId: q.orgId,
      subjectKind: "acceptance",
      subjectId,
      version: await nextVersion(tx, subjectId),
      action: "accept",
      actorId: viewer.id!,
      data: { questionId, answerId, previous },
      at: now(),
    });
    if (previous) await emitAcceptance(c, q.orgId, "qa.answer.unaccepted", questionId, previous, tags);
    if (answerId) await emitAcceptance(c, q.orgId, "qa.answer.accepted", questionId, answerId, tags);
    return { changed: true };
  });
}

// ---------- duplicates ----------

/** Closes a question as a duplicate of another the viewer can read (`null` reopens it). */
export async function closeAsDuplicate(viewer: Viewer, questionId: string, duplicateOfId: string | null, db?: Db) {
  const d = db ?? (await getDb());
  const q = await loadFacts(d, questionId);
  if (q.contentKind !== "question") notFound();
  authorize(viewer, "close", q);
  if (duplicateOfId) {
    if (duplicateOfId === questionId) conflict("duplicateSelf");
    const target = (await loadContentFacts(d, [duplicateOfId])).get(duplicateOfId);
    // an original the viewer cannot see is no original: the same answer as a missing one
    if (!target || target.contentKind !== "question" || !can(viewer, "read", target)) conflict("duplicateTarget");
  }
  const subjectId = `${questionId}:status`;
  return runCommand(d, async (c) => {
    const tx = c.tx;
    const locked = await lockQuestion(tx, questionId);
    if (locked.duplicateOfId === duplicateOfId) return { changed: false };
    const status = duplicateOfId ? "closed" : "open";
    await tx.update(qaQuestions).set({ status, duplicateOfId }).where(eq(qaQuestions.contentId, questionId));
    await c.archive({
      orgId: q.orgId,
      subjectKind: "question_status",
      subjectId,
      version: await nextVersion(tx, subjectId),
      action: "close",
      actorId: viewer.id!,
      data: { questionId, status, duplicateOfId, previous: locked.duplicateOfId },
      at: now(),
    });
    await c.emit({ orgId: q.orgId, topic: duplicateOfId ? "qa.question.closed" : "qa.question.reopened", subjectId: questionId, payload: { questionId, duplicateOfId } });
    return { changed: true };
  });
}

// ---------- following ----------

export async function followQuestion(viewer: Viewer, questionId: string, on: boolean, db?: Db) {
  const d = db ?? (await getDb());
  const q = await loadFacts(d, questionId);
  if (q.contentKind !== "question") notFound();
  authorize(viewer, "read", q);
  if (on) await d.insert(follows).values({ userId: viewer.id!, targetKind: "question", targetId: questionId }).onConflictDoNothing();
  else await d.delete(follows).where(and(eq(follows.userId, viewer.id!), eq(follows.targetKind, "question"), eq(follows.targetId, questionId)));
}

// ---------- content health ----------

/** Curators (policy), or people with expertise on the question's tags, other than the answer's author. */
export async function canVerify(db: DbOrTx, viewer: Viewer, answer: ContentFacts): Promise<boolean> {
  const byPolicy = verifyByPolicy(viewer, answer);
  if (byPolicy !== null) return byPolicy;
  return (await canVerifyAnswers(db, viewer, await questionIdOf(db, answer.id), [answer])).get(answer.id) ?? false;
}

/** What the policy alone decides of `canVerify` (true, false), or null: it depends on the expert ranking. */
function verifyByPolicy(viewer: Viewer, answer: ContentFacts): boolean | null {
  if (can(viewer, "verify", answer)) return true;
  if (!viewer.id || !viewer.orgId || answer.contentKind !== "answer" || !can(viewer, "read", answer) || answer.authorId === viewer.id) return false;
  return null;
}

/**
 * `canVerify` for the answers of one question (its page): the question's tags and its expert
 * ranking are read once, not per answer. Each answer's check is the same: the viewer among the
 * question's top 50 experts other than the answer's author, with a positive score. The ranking is
 * deterministic (score, then id) and the exclusion a filter, so the top 51 without exclusion, less
 * the author, gives each answer's top 50.
 */
export async function canVerifyAnswers(db: DbOrTx, viewer: Viewer, questionId: string, answers: ContentFacts[]): Promise<Map<string, boolean>> {
  const out = new Map<string, boolean>();
  const open: ContentFacts[] = [];
  for (const a of answers) {
    const byPolicy = verifyByPolicy(viewer, a);
    if (byPolicy === null) open.push(a);
    else out.set(a.id, byPolicy);
  }
  if (!open.length) return out;
  const tags = await questionTags(db, questionId);
  const ranked = await topExperts(db, { orgId: viewer.orgId!, tags, limit: 51, excludeUserIds: [] });
  for (const a of open) {
    const top = ranked.filter((e) => e.userId !== a.authorId).slice(0, 50);
    out.set(a.id, top.some((e) => e.userId === viewer.id && e.score > 0));
  }
  return out;
}

export type HealthInput = { status: "verified"; reverifyAt: Date } | { status: "obsolete"; reason: string } | { status: "none" };

/** Marks an answer verified until a date, or obsolete with a reason; "none" clears the mark. */
export async function setAnswerHealth(viewer: Viewer, answerId: string, input: HealthInput, db?: Db) {
  const d = db ?? (await getDb());
  const a = await loadFacts(d, answerId);
  if (a.contentKind !== "answer") notFound();
  if (!can(viewer, "read", a)) notFound();
  if (!(await canVerify(d, viewer, a))) throw new Response("Forbidden", { status: 403, statusText: "Forbidden" });
  if (input.status === "verified" && input.reverifyAt <= now()) throw new InputError("reverifyAt", "reverifyPast");
  if (input.status === "obsolete" && !input.reason.trim()) throw new InputError("reason", "reasonRequired");
  const questionId = await questionIdOf(d, answerId);
  const subjectId = `${answerId}:health`;
  return runCommand(d, async (c) => {
    const tx = c.tx;
    const t = now();
    await tx.delete(qaAnswerHealth).where(eq(qaAnswerHealth.answerId, answerId));
    if (input.status !== "none") {
      await tx.insert(qaAnswerHealth).values({
        answerId,
        orgId: a.orgId,
        status: input.status,
        reason: input.status === "obsolete" ? input.reason.trim() : "",
        reverifyAt: input.status === "verified" ? input.reverifyAt : null,
        markedBy: viewer.id!,
        markedAt: t,
      });
    }
    const data = {
      answerId,
      status: input.status,
      reason: input.status === "obsolete" ? input.reason.trim() : "",
      reverifyAt: input.status === "verified" ? input.reverifyAt.toISOString() : null,
    };
    await c.archive({ orgId: a.orgId, subjectKind: "answer_health", subjectId, version: await nextVersion(tx, subjectId), action: "verify", actorId: viewer.id!, data, at: t });
    await c.emit({ orgId: a.orgId, topic: "qa.answer.health", subjectId: answerId, payload: { ...data, questionId, answerAuthorId: a.authorId, tags: await questionTags(tx, questionId) } });
  });
}

/** Ids of live answers of a question, oldest first. */
export async function answerIds(db: DbOrTx, questionId: string): Promise<string[]> {
  const rows = await query<{ id: string }>(
    db,
    sql`select id from content where parent_id = ${questionId} and kind = 'answer' and deleted_at is null order by created_at, id`,
  );
  return rows.map((r) => r.id);
}

