import { sql, type SQL } from "drizzle-orm";
import { query, queryCursorBytes, type DbOrTx } from "~/db/client.server";
import { textArray, ts } from "~/db/sql.server";
import { now } from "~/utils/clock.server";
import type { ContentDocument, PersonDocument } from "../../search/settings";

// Builds index documents from the current rows. Each carries exactly the facts the
// policy's search filter reads (org, space, visibility, space departments, author
// department, root author department, deleted) and the searchable text: nothing more
// sensitive. A comment or an answer carries its thread root's facts: the root's space,
// its visibility and departments, its author's department, and deleted when the root is.
//
// A document is built once, here, by PostgreSQL: row_to_json of the named columns below is the
// document's JSON text. The live outbox path (contentDocuments) and bulk reindex
// (contentDocumentPages) read the same statement, so the two cannot drift; bulk reindex hands the
// text to Meilisearch as it is (NDJSON), without parsing and re-serialising it in Node.

// `where` picks the content rows; `within(column)` bounds the tag and topic rows to the same ids, so
// they are read in one range or list scan and merged, not probed row by row; aggregated from sorted
// input (the same document whichever plan reads it; an ORDER BY inside array_agg sorts each group). `ts`: the thread's space, the root's for anything with a
// parent. A missing root closes the thread. The pre-approval hold (policy.ts holdAllows) is the
// item's own, else its root's. A function, not a constant: the boost reads the app clock.
const DOCUMENTS = (where: SQL, within: (column: SQL) => SQL) => sql`with
    tg as materialized (select t.content_id, array_agg(substr(t.tag, 2)) filter (where left(t.tag, 1) = '#') as tags,
      array_agg(substr(t.tag, 2)) filter (where left(t.tag, 1) = '$') as cashtags
      from (select content_id, tag from content_tags where ${within(sql`content_id`)} order by content_id, tag) t group by t.content_id),
    tp as materialized (select t.content_id, array_agg(t.topic) as topics
      from (select content_id, topic from content_topics where ${within(sql`content_id`)} order by content_id, topic) t group by t.content_id)
  select c.id, c.org_id as "orgId", c.kind, ts.id as "spaceId",
    case when ts.id is null then 'org' else ts.visibility end as visibility,
    coalesce(ts.allowed_departments, '{}') as "spaceDepartments",
    c.author_id as "authorId", au.name as "authorName", au.department as "authorDepartment",
    case when c.root_id is null then au.department else coalesce(ru.department, '') end as "rootAuthorDepartment",
    c.root_id as "rootId",
    ${DELETED} as deleted,
    -- supervision: who may still find an item hidden itself or through its root (both authors must agree)
    (c.hidden_at is not null or r.hidden_at is not null) as hidden,
    case when c.hidden_at is not null and r.hidden_at is not null then (case when c.author_id = r.author_id then array[c.author_id] else '{}' end)
      when c.hidden_at is not null then array[c.author_id]
      when r.hidden_at is not null then array[r.author_id]
      else '{}' end as "hiddenVisibleTo",
    c.title, c.body_text as text,
    coalesce(tg.tags, '{}') as tags, coalesce(tg.cashtags, '{}') as cashtags, coalesce(tp.topics, '{}') as topics,
    floor(extract(epoch from c.created_at) * 1000)::bigint as "createdAt",
    floor(extract(epoch from c.created_at) / 86400)::int as "createdDay",
    case c.kind when 'question' then c.id when 'answer' then c.parent_id end as "questionId",
    coalesce(c.kind = 'answer' and pq.accepted_answer_id = c.id, false) as accepted,
    case when c.kind <> 'answer' then 1
      else coalesce((select case h.status when 'verified' then 2 else 0 end from qa_answer_health h where h.answer_id = c.id), 1) end as health,
    -- approved best practice, approved version current, re-verification not due, not deleted: boosted in ranking
    (case when not ${DELETED} and exists (select 1 from best_practices bp where bp.content_id = c.id and bp.status = 'approved'
       and bp.approved_version = c.version and bp.reverify_at > ${ts(now())}) then 1 else 0 end) as boost,
    coalesce(c.approval, r.approval) is not null as held,
    -- who sees a held item: its author and, while pending, the tier's approvers (approverKey in policy.ts)
    case when c.approval is not null then ${heldFor(sql`c`)} when r.approval is not null then ${heldFor(sql`r`)} else '{}' end as "heldFor"
  from content c
  join users au on au.id = c.author_id
  left join content r on r.id = c.root_id
  left join users ru on ru.id = r.author_id
  left join spaces ts on ts.id = case when c.root_id is null then c.space_id else r.space_id end
  left join qa_questions pq on pq.content_id = c.parent_id
  left join tg on tg.content_id = c.id
  left join tp on tp.content_id = c.id
  ${where}`;

const heldFor = (h: SQL) =>
  sql`case when ${h}.approval = 'pending' and ${h}.space_id is not null then array['user:' || ${h}.author_id, 'tier:' || ${h}.space_id || ':' || coalesce(${h}.approval_tier, 0)]
    else array['user:' || ${h}.author_id] end`;

const DELETED = sql`(c.deleted_at is not null or (c.root_id is not null and (r.id is null or r.deleted_at is not null)))`;

export async function contentDocuments(db: DbOrTx, ids: string[]): Promise<ContentDocument[]> {
  if (!ids.length) return [];
  const rows = await query<{ doc: string }>(db, sql`select row_to_json(d)::text as doc from (${DOCUMENTS(sql`where c.id = any(${textArray(ids)})`, (col) => sql`${col} = any(${textArray(ids)})`)}) d`);
  return rows.map((r) => JSON.parse(r.doc) as ContentDocument);
}

// One keyset page as NDJSON: the page's documents, their count and the last id (the next page's key).
// Tags and topics are read over the page's id range, bounded by an index-only scan of its ids.
const pageSql = (after: string, batch: number, until: string | null) => {
  const upTo = (col: SQL) => (until === null ? sql`true` : sql`${col} <= ${until}`);
  return sql`select count(*)::int as count, max(d.id) as last, string_agg(row_to_json(d)::text, E'\\n') as ndjson
    from (${DOCUMENTS(
      sql`where c.id > ${after} and ${upTo(sql`c.id`)} order by c.id limit ${batch}`,
      (col) => sql`${col} > ${after} and ${col} <= (select max(p.id) from (select id from content where id > ${after} and ${upTo(sql`id`)} order by id limit ${batch}) p)`,
    )}) d`;
};

// Every document after `after` (up to `until`) in one statement, a row each, in no particular order: the
// planner joins the whole range at once (hash joins for a large one) instead of probing row by row.
const restSql = (after: string, until: string | null) => {
  const range = (col: SQL) => (until === null ? sql`${col} > ${after}` : sql`${col} > ${after} and ${col} <= ${until}`);
  return sql`select row_to_json(d)::text as doc from (${DOCUMENTS(sql`where ${range(sql`c.id`)}`, range)}) d`;
};

/**
 * Documents as NDJSON (one JSON document a line, UTF-8), as Meilisearch takes it: the bytes PostgreSQL
 * sent, never decoded into strings on the way to the engine.
 */
export type DocumentPage = { count: number; ndjson: Buffer };

const NEWLINE = Buffer.from("\n");

/** NDJSON documents (or pages of them) joined into one NDJSON body. */
export function joinNdjson(parts: Buffer[]): Buffer {
  if (parts.length === 1) return parts[0];
  const out: Buffer[] = [];
  for (const p of parts) {
    if (out.length) out.push(NEWLINE);
    out.push(p);
  }
  return Buffer.concat(out);
}

// Keyset pages read while the cursor's statement starts (it builds its hash tables before its first
// row: ~1–3 s at 2,000,000 synthetic posts and alone; on the scale seed's 1.9 M posts, comments and tags
// beside the engine, ~11 s, of which three pages cover ~6 s: docs/benchmarks.md), so Meilisearch has work
// from the start. More keyset pages are no cure: at that size one costs ~0.7 s of PostgreSQL, far more a
// document than the cursor. All pages are full: a smaller first one (1,000) started the engine 0.2 s
// sooner, but its short first batch ended before more than a page or two had queued, and the extra small
// batch cost as much (issue 19's bulk indexing in docs/benchmarks.md).
const LEAD_PAGES = 3;

/**
 * Every document (or every one whose id is ≤ `until`) as NDJSON pages of at most `batch`, for bulk
 * reindex; the text is built by PostgreSQL. The first LEAD_PAGES are keyset pages, so the caller has
 * something to send at once; on PostgreSQL the rest is one statement read through a cursor (one plan and
 * one snapshot instead of a statement, a plan and a bounding scan a page), started before the lead pages
 * are read. PGlite reads keyset pages throughout. Each page is read while the caller works on the one before.
 */
export async function* contentDocumentPages(db: DbOrTx, batch = 5000, opts: { until?: string } = {}): AsyncGenerator<DocumentPage> {
  const until = opts.until ?? null;
  const upTo = (col: SQL) => (until === null ? sql`true` : sql`${col} <= ${until}`);
  const [lead] = await query<{ id: string }>(db, sql`select id from content where ${upTo(sql`id`)} order by id offset ${LEAD_PAGES * batch - 1} limit 1`);
  const cursor = lead ? queryCursorBytes(db, restSql(lead.id, until), batch) : null;
  if (!cursor) {
    yield* keysetPages(db, batch, until);
    return;
  }
  // the rest's statement starts now (its hash tables fill) while the lead pages are read and handed over
  let next = cursor.next();
  next.catch(() => undefined);
  try {
    yield* keysetPages(db, batch, lead.id);
    for (;;) {
      const r = await next;
      if (r.done) return;
      next = cursor.next();
      next.catch(() => undefined);
      yield { count: r.value.length, ndjson: joinNdjson(r.value.map((row) => row[0]!)) };
    }
  } finally {
    // a caller that stops early (or a failure) closes the cursor and gives its connection back
    await next.catch(() => undefined);
    await cursor.return(undefined);
  }
}

/**
 * Keyset pages of the documents whose id is ≤ `until` (all when null), one statement a page, one page
 * read ahead.
 */
async function* keysetPages(db: DbOrTx, batch: number, until: string | null): AsyncGenerator<DocumentPage> {
  type Row = { count: number; last: string | null; ndjson: string | null };
  const empty: Promise<Row> = Promise.resolve({ count: 0, last: null, ndjson: null });
  const page = (after: string) => query<Row>(db, pageSql(after, batch, until)).then(([r]) => r);
  let next = page("");
  for (;;) {
    const r = await next;
    if (!r.count || !r.last || r.ndjson === null) return;
    // read ahead: the next page is on its way while this one is handed over
    next = r.count < batch ? empty : page(r.last);
    next.catch(() => undefined); // awaited on the next turn (or dropped with the generator)
    yield { count: r.count, ndjson: Buffer.from(r.ndjson) };
  }
}

/** Keyset pages of every document as objects, for reconcile. */
export async function* allContentDocuments(db: DbOrTx, batch = 5000): AsyncGenerator<ContentDocument[]> {
  for await (const p of contentDocumentPages(db, batch)) yield p.ndjson.toString().split("\n").map((line) => JSON.parse(line) as ContentDocument);
}

export async function countContent(db: DbOrTx): Promise<number> {
  const [r] = await query<{ n: number }>(db, sql`select count(*)::int as n from content`);
  return Number(r.n);
}

type PersonRow = {
  id: string;
  org_id: string;
  name: string;
  title: string;
  department: string;
  region: string;
  languages: string[];
  status: string;
  bio: string;
  skills: string[] | null;
  skill_tags: string[] | null;
  evidence_tags: string[] | null;
};

const PEOPLE_SELECT = sql`select u.id, u.org_id, u.name, u.title, u.department, u.region, u.languages, u.status, u.bio,
    (select array_agg(x) from (select s.name as x from user_skills us join skills s on s.id = us.skill_id where us.user_id = u.id
       union select unnest(s.synonyms) from user_skills us join skills s on s.id = us.skill_id where us.user_id = u.id) names) as skills,
    (select array_agg(s.tag) from user_skills us join skills s on s.id = us.skill_id where us.user_id = u.id) as skill_tags,
    (select array_agg(tag) from (select e.tag from expertise_evidence e where e.user_id = u.id group by e.tag having sum(e.weight) > 0) t) as evidence_tags
  from users u`;

export async function peopleDocuments(db: DbOrTx, ids?: string[]): Promise<PersonDocument[]> {
  const rows = await query<PersonRow>(db, ids ? sql`${PEOPLE_SELECT} where u.id = any(${textArray(ids)})` : PEOPLE_SELECT);
  return rows.map((r) => ({
    id: r.id,
    orgId: r.org_id,
    name: r.name,
    title: r.title,
    department: r.department,
    region: r.region,
    languages: r.languages ?? [],
    active: r.status === "active",
    bio: r.bio ?? "",
    skills: r.skills ?? [],
    expertiseTags: [...new Set([...(r.skill_tags ?? []), ...(r.evidence_tags ?? []).map((t) => t.replace(/^#/, ""))])],
  }));
}

/** Content whose documents change when a space's permissions change: its items and the threads rooted there. */
export async function contentIdsInSpace(db: DbOrTx, spaceId: string): Promise<string[]> {
  const rows = await query<{ id: string }>(
    db,
    sql`select id from content where space_id = ${spaceId}
        union select k.id from content r join content k on k.root_id = r.id where r.space_id = ${spaceId}`,
  );
  return rows.map((r) => r.id);
}

/** An author's items and every item in threads they started (those carry the root author's department). */
export async function contentIdsByAuthor(db: DbOrTx, userId: string): Promise<string[]> {
  const rows = await query<{ id: string }>(
    db,
    sql`select id from content where author_id = ${userId}
        union select k.id from content r join content k on k.root_id = r.id where r.author_id = ${userId}`,
  );
  return rows.map((r) => r.id);
}

/** Every item in the thread rooted at `rootId` (its comments, answers and replies at any depth). */
export async function threadIds(db: DbOrTx, rootId: string): Promise<string[]> {
  const rows = await query<{ id: string }>(db, sql`select id from content where root_id = ${rootId}`);
  return rows.map((r) => r.id);
}
