import { sql } from "drizzle-orm";
import { query, type DbOrTx } from "~/db/client.server";
import { textArray, ts } from "~/db/sql.server";
import { approverKey } from "~/policy/policy";
import { now } from "~/utils/clock.server";
import type { ContentDocument, PersonDocument } from "../../search/settings";

// Builds index documents from the current rows. Each carries exactly the facts the
// policy's search filter reads (org, space, visibility, space departments, author
// department, root author department, deleted) and the searchable text: nothing more
// sensitive. A comment or an answer carries its thread root's facts: the root's space,
// its visibility and departments, its author's department, and deleted when the root is.

type Row = {
  id: string;
  org_id: string;
  kind: ContentDocument["kind"];
  root_id: string | null;
  space_id: string | null;
  visibility: string | null;
  allowed_departments: string[] | null;
  author_id: string;
  author_name: string;
  author_department: string;
  root_author_department: string;
  deleted: boolean;
  hidden: boolean;
  root_hidden: boolean;
  root_author_id: string | null;
  title: string;
  text: string;
  tags: string[] | null;
  topics: string[] | null;
  created_at: string | Date;
  question_id: string | null;
  accepted: boolean;
  health: number;
  boost: number;
  hold_state: string | null;
  hold_author_id: string | null;
  hold_space_id: string | null;
  hold_tier: number | null;
};

// `ts`: the thread's space, the root's for anything with a parent. A missing root closes the thread.
// A function, not a constant: the boost reads the app clock (re-verification dates).
const SELECT = () => sql`select c.id, c.org_id, c.kind, c.root_id, ts.id as space_id, ts.visibility, ts.allowed_departments,
    c.author_id, au.name as author_name, au.department as author_department,
    case when c.root_id is null then au.department else coalesce(ru.department, '') end as root_author_department,
    (c.deleted_at is not null or (c.root_id is not null and (r.id is null or r.deleted_at is not null))) as deleted,
    (c.hidden_at is not null) as hidden, coalesce(r.hidden_at is not null, false) as root_hidden, r.author_id as root_author_id,
    c.title, c.body_text as text, c.created_at, hold.hold_state, hold.hold_author_id, hold.hold_space_id, hold.hold_tier,
    (select array_agg(t.tag) from content_tags t where t.content_id = c.id) as tags,
    (select array_agg(tp.topic) from content_topics tp where tp.content_id = c.id) as topics,
    case c.kind when 'question' then c.id when 'answer' then c.parent_id end as question_id,
    coalesce(c.kind = 'answer' and pq.accepted_answer_id = c.id, false) as accepted,
    case when c.kind <> 'answer' then 1
      else coalesce((select case h.status when 'verified' then 2 else 0 end from qa_answer_health h where h.answer_id = c.id), 1) end as health,
    -- approved best practice, approved version current, re-verification not due: boosted in ranking
    (case when exists (select 1 from best_practices bp where bp.content_id = c.id and bp.status = 'approved'
       and bp.approved_version = c.version and bp.reverify_at > ${ts(now())}) then 1 else 0 end)::int as boost
  from content c
  join users au on au.id = c.author_id
  left join content r on r.id = c.root_id
  left join users ru on ru.id = r.author_id
  left join lateral (select h.approval as hold_state, h.author_id as hold_author_id, h.space_id as hold_space_id, h.approval_tier as hold_tier
    from content h where h.id = case when c.approval is not null or c.root_id is null then c.id else c.root_id end) hold on true
  left join spaces ts on ts.id = case when c.root_id is null then c.space_id else r.space_id end
  left join qa_questions pq on pq.content_id = c.parent_id`;

/** The pre-approval facts the search filter reads (policy.ts holdAllows): the thread's hold. */
function holdFields(r: Row): Pick<ContentDocument, "held" | "heldFor"> {
  if (!r.hold_state) return { held: false, heldFor: [] };
  const heldFor = [`user:${r.hold_author_id}`];
  if (r.hold_state === "pending" && r.hold_space_id) heldFor.push(`tier:${approverKey(r.hold_space_id, Number(r.hold_tier))}`);
  return { held: true, heldFor };
}

/** The supervision facts of a document: who may still find an item hidden itself or through its root. */
function hiddenFacts(r: Row): Pick<ContentDocument, "hidden" | "hiddenVisibleTo"> {
  if (!r.hidden && !r.root_hidden) return { hidden: false, hiddenVisibleTo: [] };
  const owners = [r.hidden ? r.author_id : null, r.root_hidden ? r.root_author_id : null].filter((x): x is string => !!x);
  const visibleTo = owners.every((o) => o === owners[0]) ? [owners[0]] : [];
  return { hidden: true, hiddenVisibleTo: visibleTo };
}

export function toDocument(r: Row): ContentDocument {
  const tags = r.tags ?? [];
  return {
    id: r.id,
    orgId: r.org_id,
    kind: r.kind,
    spaceId: r.space_id,
    visibility: (r.space_id ? r.visibility ?? "secret" : "org") as ContentDocument["visibility"],
    spaceDepartments: r.allowed_departments ?? [],
    authorId: r.author_id,
    authorName: r.author_name,
    authorDepartment: r.author_department,
    rootAuthorDepartment: r.root_author_department,
    rootId: r.root_id,
    deleted: r.deleted,
    ...hiddenFacts(r),
    title: r.title,
    text: r.text,
    tags: tags.filter((t) => t.startsWith("#")).map((t) => t.slice(1)),
    cashtags: tags.filter((t) => t.startsWith("$")).map((t) => t.slice(1)),
    topics: r.topics ?? [],
    createdAt: new Date(r.created_at).getTime(),
    createdDay: Math.floor(new Date(r.created_at).getTime() / 86_400_000),
    questionId: r.question_id ?? null,
    accepted: Boolean(r.accepted),
    health: Number(r.health ?? 1),
    boost: r.deleted ? 0 : Number(r.boost ?? 0),
    ...holdFields(r),
  };
}

export async function contentDocuments(db: DbOrTx, ids: string[]): Promise<ContentDocument[]> {
  if (!ids.length) return [];
  const rows = await query<Row>(db, sql`${SELECT()} where c.id = any(${textArray(ids)})`);
  return rows.map(toDocument);
}

/** Keyset pages of every document, for reindex and reconcile. */
export async function* allContentDocuments(db: DbOrTx, batch = 5000): AsyncGenerator<ContentDocument[]> {
  let after = "";
  for (;;) {
    const rows = await query<Row>(db, sql`${SELECT()} where c.id > ${after} order by c.id limit ${batch}`);
    if (!rows.length) return;
    yield rows.map(toDocument);
    after = rows[rows.length - 1].id;
  }
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
