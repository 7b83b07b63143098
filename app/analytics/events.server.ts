import { sql } from "drizzle-orm";
import { query, type Tx } from "~/db/client.server";
import { textArray } from "~/db/sql.server";
import type { OutboxEvent } from "~/platform/outbox.server";
import { markDirty } from "./rollup.server";

// The analytics outbox consumer. It keeps the facts only events carry (accepted answers,
// the best-practice funnel) and marks the weeks an event changes, so the rollup job
// recomputes exactly those weeks. Every effect is an upsert or a delete: a redelivered
// event changes nothing.

export const ANALYTICS_TOPICS = ["content.created", "content.deleted", "content.restored", "reaction.", "qa.answer.", "discovery."];

const str = (v: unknown) => (typeof v === "string" ? v : "");

export async function applyAnalyticsEvents(events: OutboxEvent[], tx: Tx) {
  // content events: the item's own week, and for an answer the week its question was asked
  // (Q&A cohort) — read for the whole batch at once (PGlite has one connection to share)
  const contentIds = events.filter((e) => e.topic.startsWith("content.")).map((e) => e.subjectId);
  const contentDays = new Map<string, Date[]>();
  if (contentIds.length) {
    const rows = await query<{ id: string; created_at: string | Date; parent_at: string | Date | null }>(
      tx,
      sql`select c.id, c.created_at, p.created_at as parent_at from content c left join content p on p.id = c.parent_id
          where c.id in (${sql.join(contentIds.map((i) => sql`${i}`), sql`, `)})`,
    );
    for (const r of rows) contentDays.set(r.id, [new Date(r.created_at), ...(r.parent_at ? [new Date(r.parent_at)] : [])]);
  }
  const dirty = new Map<string, (Date | string)[]>();
  for (const e of events) {
    const p = e.payload;
    const days: (Date | string)[] = [e.createdAt];
    if (e.topic.startsWith("content.")) {
      days.push(...(contentDays.get(e.subjectId) ?? []));
    } else if (e.topic === "reaction.removed") {
      // the reaction row is gone: its week is the one it was added in (from the archive)
      const [r] = await query<{ at: string | Date | null }>(
        tx,
        sql`select max(at) as at from archive_records where org_id = ${e.orgId} and subject_id = ${`${e.subjectId}:${str(p.userId)}:${str(p.reaction)}`} and action = 'react'`,
      );
      if (r?.at) days.push(new Date(r.at));
    } else if (e.topic === "qa.answer.accepted" || e.topic === "qa.answer.unaccepted") {
      const questionId = str(p.questionId);
      const answerId = str(p.answerId);
      const [q] = await query<{ created_at: string | Date }>(tx, sql`select created_at from content where id = ${questionId}`);
      if (q) days.push(new Date(q.created_at));
      if (e.topic === "qa.answer.accepted" && answerId) {
        const tags = Array.isArray(p.tags) ? (p.tags as unknown[]).map(String) : [];
        await tx.execute(sql`insert into analytics_accepted (answer_id, org_id, question_id, author_id, tags, accepted_at)
          values (${answerId}, ${e.orgId}, ${questionId}, ${str(p.answerAuthorId)}, ${textArray(tags)}, ${e.createdAt.toISOString()}::timestamptz)
          on conflict (answer_id) do update set question_id = excluded.question_id, author_id = excluded.author_id, tags = excluded.tags, accepted_at = excluded.accepted_at`);
      } else if (answerId) {
        const gone = await query<{ accepted_at: string | Date }>(tx, sql`delete from analytics_accepted where answer_id = ${answerId} returning accepted_at`);
        for (const g of gone) days.push(new Date(g.accepted_at));
      }
    } else if (e.topic.startsWith("discovery.")) {
      const contentId = str(p.contentId) || e.subjectId;
      const stage = { "discovery.nominated": "nominated", "discovery.approved": "approved", "discovery.viewed": "viewed" }[e.topic];
      const userId = str(e.topic === "discovery.nominated" ? p.nominatorId : e.topic === "discovery.viewed" ? p.viewerId : p.authorId);
      if (stage && userId) {
        await tx.execute(sql`insert into analytics_discovery (org_id, content_id, stage, user_id, at)
          values (${e.orgId}, ${contentId}, ${stage}, ${userId}, ${e.createdAt.toISOString()}::timestamptz) on conflict do nothing`);
      } else if (e.topic === "discovery.revoked") {
        const gone = await query<{ at: string | Date }>(
          tx,
          sql`delete from analytics_discovery where content_id = ${contentId} and stage = 'approved' returning at`,
        );
        for (const g of gone) days.push(new Date(g.at));
      }
    }
    dirty.set(e.orgId, [...(dirty.get(e.orgId) ?? []), ...days]);
  }
  for (const [orgId, days] of dirty) await markDirty(tx, orgId, days);
}
