import { eq, sql, type SQL } from "drizzle-orm";
import type { QuestionTab } from "./tabs";
import { getDb, query, type Db } from "~/db/client.server";
import { textArray } from "~/db/sql.server";
import { qaQuestions } from "~/db/schema";
import { hydratePosts, type PostView } from "~/content/hydrate.server";
import { isValidHashtag, normalizeHashtag } from "~/content/rich-text";
import { loadContentFacts } from "~/policy/facts.server";
import { can, type Viewer } from "~/policy/policy";
import { readableContentCondition } from "~/policy/scopes.server";
import { now } from "~/utils/clock.server";
import { notFound } from "~/utils/http.server";
import { clockState, type ClockState } from "./clock.server";
import { answerIds, canVerifyAnswers, questionTags } from "./questions.server";

// What the Q&A pages show: a question with its answers, comments, votes, acceptance,
// health, duplicates and clock; and the lists (tabs). Ids come from the policy's SQL
// scope; every item is hydrated and re-checked by the policy before it is shown.

export type Health = { status: "verified" | "obsolete"; reason: string; reverifyAt: string | null; markedBy: string } | null;
export type AnswerView = PostView & { score: number; myVote: number; accepted: boolean; health: Health; comments: PostView[]; canVote: boolean; canVerify: boolean };
export type QuestionLink = { id: string; title: string };

async function votesFor(db: Db, viewer: Viewer, ids: string[]) {
  if (!ids.length) return new Map<string, { score: number; mine: number }>();
  const rows = await query<{ content_id: string; score: number; mine: number }>(
    db,
    sql`select content_id, sum(value)::int as score, coalesce(max(case when user_id = ${viewer.id ?? ""} then value end), 0)::int as mine
        from qa_votes where content_id = any(${textArray(ids)}) group by content_id`,
  );
  return new Map(rows.map((r) => [r.content_id, { score: Number(r.score), mine: Number(r.mine) }]));
}

async function commentsOf(db: Db, viewer: Viewer, parentIds: string[]) {
  if (!parentIds.length) return new Map<string, PostView[]>();
  const rows = await query<{ id: string; parent_id: string }>(
    db,
    sql`select id, parent_id from content where parent_id = any(${textArray(parentIds)}) and kind = 'comment' and deleted_at is null order by created_at, id limit 1000`,
  );
  const views = new Map((await hydratePosts(db, viewer, rows.map((r) => r.id))).map((v) => [v.id, v]));
  const out = new Map<string, PostView[]>();
  for (const r of rows) {
    const v = views.get(r.id);
    if (!v) continue;
    out.set(r.parent_id, [...(out.get(r.parent_id) ?? []), v]);
  }
  return out;
}

async function titles(db: Db, viewer: Viewer, ids: string[]): Promise<QuestionLink[]> {
  if (!ids.length) return [];
  const facts = await loadContentFacts(db, ids);
  const rows = await query<{ id: string; title: string }>(db, sql`select id, title from content where id = any(${textArray(ids)}) order by created_at`);
  return rows.filter((r) => {
    const f = facts.get(r.id);
    return !!f && can(viewer, "read", f);
  });
}

export async function questionPage(viewer: Viewer, id: string, db?: Db) {
  const d = db ?? (await getDb());
  const [question] = await hydratePosts(d, viewer, [id]);
  if (!question || question.kind !== "question") notFound();
  const [q] = await d.select().from(qaQuestions).where(eq(qaQuestions.contentId, id));
  if (!q) notFound();
  const facts = (await loadContentFacts(d, [id])).get(id)!;
  const answers = await hydratePosts(d, viewer, await answerIds(d, id));
  const ids = [id, ...answers.map((a) => a.id)];
  const [votes, comments, tags, healthRows, following, duplicates] = await Promise.all([
    votesFor(d, viewer, ids),
    commentsOf(d, viewer, ids),
    questionTags(d, id),
    query<{ answer_id: string; status: "verified" | "obsolete"; reason: string; reverify_at: string | null; marked_by: string }>(
      d,
      sql`select h.answer_id, h.status, h.reason, h.reverify_at, u.name as marked_by from qa_answer_health h join users u on u.id = h.marked_by
          where h.answer_id = any(${textArray(ids)})`,
    ),
    viewer.id
      ? query<{ n: number }>(d, sql`select count(*)::int as n from follows where user_id = ${viewer.id} and target_kind = 'question' and target_id = ${id}`)
      : Promise.resolve([{ n: 0 }]),
    query<{ id: string }>(d, sql`select content_id as id from qa_questions where duplicate_of_id = ${id}`),
  ]);
  const answerFacts = await loadContentFacts(d, answers.map((a) => a.id));
  const verifiable = await canVerifyAnswers(d, viewer, id, [...answerFacts.values()]);
  const health = new Map(healthRows.map((h) => [h.answer_id, { status: h.status, reason: h.reason, reverifyAt: h.reverify_at ? new Date(h.reverify_at).toISOString() : null, markedBy: h.marked_by }]));
  const answerViews: AnswerView[] = [];
  for (const a of answers) {
    const f = answerFacts.get(a.id)!;
    answerViews.push({
      ...a,
      score: votes.get(a.id)?.score ?? 0,
      myVote: votes.get(a.id)?.mine ?? 0,
      accepted: q.acceptedAnswerId === a.id,
      health: health.get(a.id) ?? null,
      comments: comments.get(a.id) ?? [],
      canVote: can(viewer, "vote", f),
      canVerify: verifiable.get(a.id) ?? false,
    });
  }
  // the accepted answer first, then by score, then oldest first
  answerViews.sort((x, y) => Number(y.accepted) - Number(x.accepted) || y.score - x.score || x.createdAt.localeCompare(y.createdAt));
  return {
    question: {
      ...question,
      tags,
      score: votes.get(id)?.score ?? 0,
      myVote: votes.get(id)?.mine ?? 0,
      comments: comments.get(id) ?? [],
      status: q.status as "open" | "closed",
      clock: clockState(q),
      following: Number(following[0]?.n ?? 0) > 0,
      duplicateOf: q.duplicateOfId ? (await titles(d, viewer, [q.duplicateOfId]))[0] ?? null : null,
      duplicates: await titles(d, viewer, duplicates.map((r) => r.id)),
      can: {
        ...question.can,
        vote: can(viewer, "vote", facts),
        accept: can(viewer, "accept", facts),
        close: can(viewer, "close", facts),
        answer: can(viewer, "answer", facts) && q.status === "open",
      },
    },
    answers: answerViews,
  };
}

export { QUESTION_TABS, type QuestionTab } from "./tabs";

export type QuestionListItem = {
  id: string;
  title: string;
  author: PostView["author"];
  space: PostView["space"];
  createdAt: string;
  tags: string[];
  answers: number;
  score: number;
  accepted: boolean;
  closed: boolean;
  clock: ClockState;
};

const QUESTION_PAGE = 20;

/** A list tab, optionally narrowed to one tag ("kyc" or "#kyc"); newest first, 20 a page (as Q&A sites page their lists). */
export async function listQuestions(viewer: Viewer, opts: { tab: QuestionTab; tag?: string | null; page?: number }, db?: Db) {
  const d = db ?? (await getDb());
  if (!viewer.id) return { items: [] as QuestionListItem[], nextPage: null, tag: null };
  const bare = (opts.tag ?? "").replace(/^#/, "").trim();
  const tag = bare && isValidHashtag(bare) ? `#${normalizeHashtag(bare)}` : null;
  const at = sql`${now().toISOString()}::timestamptz`;
  const conds: SQL[] = [sql`c.kind = 'question'`, readableContentCondition(viewer, sql.raw("c"))];
  if (opts.tab === "unanswered") conds.push(sql`q.first_answer_at is null and q.status = 'open'`);
  if (opts.tab === "breached") conds.push(sql`q.first_answer_at is null and q.status = 'open' and q.due_at <= ${at}`);
  if (opts.tab === "mine") conds.push(sql`c.author_id = ${viewer.id}`);
  if (opts.tab === "following") conds.push(sql`exists (select 1 from follows f where f.user_id = ${viewer.id} and f.target_kind = 'question' and f.target_id = c.id)`);
  if (tag) conds.push(sql`exists (select 1 from content_tags t where t.content_id = c.id and t.tag = ${tag})`);
  const page = Math.max(0, opts.page ?? 0);
  const rows = await query<{ id: string; title: string; target_minutes: number; due_at: string; first_answer_at: string | null; created_at: string; accepted_answer_id: string | null; status: string }>(
    d,
    sql`select c.id, c.title, q.target_minutes, q.due_at, q.first_answer_at, q.created_at, q.accepted_answer_id, q.status
        from content c join qa_questions q on q.content_id = c.id
        where c.org_id = ${viewer.orgId} and ${sql.join(conds, sql` and `)}
        order by c.created_at desc, c.id desc offset ${page * QUESTION_PAGE} limit ${QUESTION_PAGE + 1}`,
  );
  const pageRows = rows.slice(0, QUESTION_PAGE);
  const ids = pageRows.map((r) => r.id);
  const [views, stats, tagRows] = await Promise.all([
    hydratePosts(d, viewer, ids),
    ids.length
      ? query<{ id: string; answers: number; score: number }>(
          d,
          sql`select c.id,
                (select count(*)::int from content a where a.parent_id = c.id and a.kind = 'answer' and a.deleted_at is null) as answers,
                (select coalesce(sum(v.value), 0)::int from qa_votes v where v.content_id = c.id) as score
              from content c where c.id = any(${textArray(ids)})`,
        )
      : Promise.resolve([]),
    ids.length ? query<{ content_id: string; tag: string }>(d, sql`select content_id, tag from content_tags where content_id = any(${textArray(ids)}) order by tag`) : Promise.resolve([]),
  ]);
  const byId = new Map(views.map((v) => [v.id, v]));
  const statsById = new Map(stats.map((s) => [s.id, s]));
  const items: QuestionListItem[] = pageRows.flatMap((r) => {
    const v = byId.get(r.id);
    if (!v) return []; // the policy's re-check has the last word
    return [
      {
        id: r.id,
        title: r.title,
        author: v.author,
        space: v.space,
        createdAt: v.createdAt,
        tags: tagRows.filter((t) => t.content_id === r.id).map((t) => t.tag),
        answers: Number(statsById.get(r.id)?.answers ?? 0),
        score: Number(statsById.get(r.id)?.score ?? 0),
        accepted: r.accepted_answer_id !== null,
        closed: r.status === "closed",
        clock: clockState({
          targetMinutes: Number(r.target_minutes),
          dueAt: new Date(r.due_at),
          firstAnswerAt: r.first_answer_at ? new Date(r.first_answer_at) : null,
          createdAt: new Date(r.created_at),
        }),
      },
    ];
  });
  return { items, nextPage: rows.length > QUESTION_PAGE ? page + 1 : null, tag };
}
