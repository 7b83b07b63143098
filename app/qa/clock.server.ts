import { sql, type SQL } from "drizzle-orm";
import { query, type Db, type DbOrTx } from "~/db/client.server";
import { runCommand } from "~/compliance/command.server";
import { topExperts } from "~/people/expertise.server";
import { loadContentFacts } from "~/policy/facts.server";
import { can, type ContentFacts } from "~/policy/policy";
import { loadViewer } from "~/policy/viewer.server";
import { now } from "~/utils/clock.server";
import { questionTags } from "./questions.server";

// The response clock. A question's clock runs from posting to its first answer.
// At ROUTE_FRACTION of the target an unanswered question is routed to up to three
// people with the most expertise on its tags who may see it; at the target it
// escalates to its space's admins (or the organisation's curators outside a space).
// Every instance runs this job: each question is claimed by a conditional UPDATE in
// the same transaction as its event, so two instances never route it twice.

export const ROUTE_TO = 3;
const BATCH = 100;

export type ClockState = {
  targetMinutes: number;
  dueAt: string;
  firstAnswerAt: string | null;
  state: "running" | "breached" | "answered" | "answeredLate";
  /** minutes left (running), over (breached), or taken to the first answer (answered) */
  minutes: number;
};

export function clockState(q: { targetMinutes: number; dueAt: Date; firstAnswerAt: Date | null; createdAt: Date }, at = now()): ClockState {
  const base = { targetMinutes: q.targetMinutes, dueAt: q.dueAt.toISOString(), firstAnswerAt: q.firstAnswerAt?.toISOString() ?? null };
  if (q.firstAnswerAt) {
    const took = Math.round((q.firstAnswerAt.getTime() - q.createdAt.getTime()) / 60_000);
    return { ...base, state: q.firstAnswerAt > q.dueAt ? "answeredLate" : "answered", minutes: took };
  }
  const left = Math.round((q.dueAt.getTime() - at.getTime()) / 60_000);
  return left > 0 ? { ...base, state: "running", minutes: left } : { ...base, state: "breached", minutes: -left };
}

/** Up to `limit` of `candidates`, in order, who are active, not excluded, and may read the question. */
async function mayReceive(db: DbOrTx, facts: ContentFacts, candidates: string[], limit: number, exclude: string[]) {
  const out: string[] = [];
  for (const id of candidates) {
    if (out.length >= limit) break;
    if (exclude.includes(id) || out.includes(id)) continue;
    const viewer = await loadViewer(db, id); // deactivated people resolve to the anonymous viewer
    if (viewer.id && can(viewer, "read", facts)) out.push(id);
  }
  return out;
}

/** The people a question is routed to: top experts on its tags who may see it, never the asker. */
export async function routingTargets(db: DbOrTx, facts: ContentFacts, tags: string[]): Promise<string[]> {
  // ask for more than we need: some candidates are across a barrier, deactivated or outside the space
  const experts = await topExperts(db, { orgId: facts.orgId, tags, limit: ROUTE_TO * 10, excludeUserIds: [facts.authorId] });
  return mayReceive(db, facts, experts.map((e) => e.userId), ROUTE_TO, [facts.authorId]);
}

/** Who a breach escalates to: the space's admins, or the organisation's curators outside a space. */
export async function escalationTargets(db: DbOrTx, facts: ContentFacts): Promise<string[]> {
  const rows = facts.space
    ? await query<{ id: string }>(db, sql`select user_id as id from space_members where space_id = ${facts.space.id} and role = 'admin' order by created_at, user_id`)
    : await query<{ id: string }>(db, sql`select id from users where org_id = ${facts.orgId} and 'curator' = any(roles) and status = 'active' order by created_at, id`);
  return mayReceive(db, facts, rows.map((r) => r.id), 50, [facts.authorId]);
}

type Stage = { topic: string; pick: SQL; claim: (id: string) => SQL; targets: (db: DbOrTx, f: ContentFacts, tags: string[]) => Promise<string[]> };

async function runStage(db: Db, at: Date, stage: Stage) {
  const due = await query<{ content_id: string }>(db, stage.pick);
  let done = 0;
  for (const { content_id: id } of due) {
    await runCommand(db, async (c) => {
      const claimed = await query<{ content_id: string; org_id: string }>(c.tx, stage.claim(id));
      if (!claimed.length) return; // another instance got there first, or it was answered meanwhile
      const facts = (await loadContentFacts(c.tx, [id])).get(id);
      if (!facts || facts.deleted) return;
      const tags = await questionTags(c.tx, id);
      const userIds = await stage.targets(c.tx, facts, tags);
      await c.emit({ orgId: facts.orgId, topic: stage.topic, subjectId: id, payload: { questionId: id, userIds, tags, at: at.toISOString() } });
      done++;
    });
  }
  return done;
}

/** One pass of the clock: routing, escalation, and re-verification reminders that are due at `at`. */
export async function runQaClock(db: Db, at: Date = now()) {
  const atSql = sql`${at.toISOString()}::timestamptz`;
  const routed = await runStage(db, at, {
    topic: "qa.question.routed",
    pick: sql`select content_id from qa_questions where first_answer_at is null and routed_at is null and route_at <= ${atSql} and status = 'open' order by route_at limit ${BATCH}`,
    claim: (id) =>
      sql`update qa_questions set routed_at = ${atSql} where content_id = ${id} and routed_at is null and first_answer_at is null and status = 'open' returning content_id, org_id`,
    targets: routingTargets,
  });
  const escalated = await runStage(db, at, {
    topic: "qa.question.escalated",
    pick: sql`select content_id from qa_questions where first_answer_at is null and escalated_at is null and due_at <= ${atSql} and status = 'open' order by due_at limit ${BATCH}`,
    claim: (id) =>
      sql`update qa_questions set escalated_at = ${atSql} where content_id = ${id} and escalated_at is null and first_answer_at is null and status = 'open' returning content_id, org_id`,
    targets: (d, f) => escalationTargets(d, f),
  });
  // verified answers past their re-verify date: their author is asked to re-verify, once
  const stale = await query<{ answer_id: string }>(
    db,
    sql`select answer_id from qa_answer_health where status = 'verified' and reminded_at is null and reverify_at <= ${atSql} order by reverify_at limit ${BATCH}`,
  );
  let reminded = 0;
  for (const { answer_id: id } of stale) {
    await runCommand(db, async (c) => {
      const claimed = await query<{ org_id: string }>(
        c.tx,
        sql`update qa_answer_health set reminded_at = ${atSql} where answer_id = ${id} and reminded_at is null and status = 'verified' returning org_id`,
      );
      if (!claimed.length) return;
      const facts = (await loadContentFacts(c.tx, [id])).get(id);
      if (!facts || facts.deleted) return;
      await c.emit({ orgId: facts.orgId, topic: "qa.answer.reverify", subjectId: id, payload: { answerId: id, userIds: [facts.authorId] } });
      reminded++;
    });
  }
  return { routed, escalated, reminded };
}
