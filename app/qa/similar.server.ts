import { sql } from "drizzle-orm";
import { getDb, query, type Db } from "~/db/client.server";
import { textArray } from "~/db/sql.server";
import { CONTENT_FACTS_COLUMNS, CONTENT_FACTS_JOINS, contentFactsOfRow, type ContentFactRow } from "~/policy/facts.server";
import { can, type Viewer } from "~/policy/policy";
import { contentSearchFilter } from "~/policy/search-filter";
import { readableContentCondition } from "~/policy/scopes.server";
import { cleanQuery } from "~/utils/text";
import { getSearchService } from "../../search/client";
import { indexUid, type ContentDocument } from "../../search/settings";

// "Has this been asked before?" while the asker types a title: questions and accepted
// answers in the viewer's scope only (the policy's search filter, then a re-check of
// every hit and of its question), newest engine first, PostgreSQL when the engine is down.

export type SimilarQuestion = { id: string; title: string; href: string; answered: boolean; closed: boolean };

const LIMIT = 6;
const ENGINE_TIMEOUT_MS = 800;
/** Questions, and answers their question accepted (they say what the asker needs). */
export const SIMILAR_FILTER = '(kind = "question" OR (kind = "answer" AND accepted = true))';

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error("search timeout")), ms).unref())]);
}

async function engineCandidates(viewer: Viewer, q: string): Promise<{ hitId: string; questionId: string }[] | null> {
  const service = await getSearchService();
  if (!service) return null;
  const res = await withTimeout(
    service.client.index<ContentDocument>(indexUid("content")).search(q, {
      filter: [contentSearchFilter(viewer), SIMILAR_FILTER],
      limit: LIMIT * 2,
      attributesToRetrieve: ["id", "questionId"],
    }),
    ENGINE_TIMEOUT_MS,
  );
  return res.hits.map((h) => ({ hitId: h.id, questionId: h.questionId ?? h.id }));
}

/** The fallback: prefix matches on question titles under the same SQL scope. */
async function databaseCandidates(db: Db, viewer: Viewer, q: string) {
  const words = q
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length >= 2)
    .slice(0, 8);
  if (!words.length) return [];
  const tsq = words.map((w) => `${w}:*`).join(" | ");
  const rows = await query<{ id: string }>(
    db,
    sql`select c.id from content c
        where c.kind = 'question' and ${readableContentCondition(viewer, sql.raw("c"))}
          and to_tsvector('simple', c.title) @@ to_tsquery('simple', ${tsq})
        order by ts_rank(to_tsvector('simple', c.title), to_tsquery('simple', ${tsq})) desc, c.created_at desc
        limit ${LIMIT * 2}`,
  );
  return rows.map((r) => ({ hitId: r.id, questionId: r.id }));
}

export async function similarQuestions(viewer: Viewer, raw: string, opts: { excludeId?: string } = {}, db?: Db): Promise<{ items: SimilarQuestion[]; degraded: boolean }> {
  const q = cleanQuery(raw).slice(0, 200);
  if (!viewer.id || q.length < 3) return { items: [], degraded: false };
  const d = db ?? (await getDb());
  let candidates: { hitId: string; questionId: string }[] | null = null;
  let degraded = false;
  try {
    candidates = await engineCandidates(viewer, q);
  } catch (e) {
    console.error("[qa] similar questions: engine failed, answering from PostgreSQL:", (e as Error).message);
  }
  if (!candidates) {
    degraded = true;
    candidates = await databaseCandidates(d, viewer, q);
  }
  // Re-check the hit and its question with the policy; keep engine order, one entry per question.
  // One round trip: the policy's facts, the title and the Q&A state of every id.
  const ids = [...new Set(candidates.flatMap((c) => [c.hitId, c.questionId]))];
  if (!ids.length) return { items: [], degraded };
  const rows = await query<ContentFactRow & { title: string; first_answer_at: unknown; status: string | null }>(
    d,
    // the policy's own fact columns (CONTENT_FACTS_COLUMNS): a hand-written list missed the
    // pre-approval state once, and the fail-closed hold then hid every question
    sql`select ${CONTENT_FACTS_COLUMNS}, c.title, q.first_answer_at, q.status
        from content c ${CONTENT_FACTS_JOINS} left join qa_questions q on q.content_id = c.id
        where c.id = any(${textArray(ids)})`,
  );
  const byId = new Map(rows.map((r) => [r.id, { facts: contentFactsOfRow(r), row: r }]));
  const seen = new Set<string>();
  const items: SimilarQuestion[] = [];
  for (const c of candidates) {
    const hit = byId.get(c.hitId)?.facts;
    const question = byId.get(c.questionId);
    if (!hit || !question || question.facts.contentKind !== "question" || !can(viewer, "read", hit) || !can(viewer, "read", question.facts)) continue;
    if (c.questionId === opts.excludeId || seen.has(c.questionId)) continue;
    seen.add(c.questionId);
    const r = question.row;
    items.push({ id: c.questionId, title: r.title, href: `/questions/${c.questionId}`, answered: r.first_answer_at !== null, closed: r.status === "closed" });
    if (items.length === LIMIT) break;
  }
  return { items, degraded };
}
