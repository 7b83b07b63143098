import { sql, type SQL } from "drizzle-orm";
import { runCommand } from "~/compliance/command.server";
import { requireComplianceViewer } from "~/compliance/review.server";
import { getDb, query, type Db, type DbOrTx } from "~/db/client.server";
import type { Viewer } from "~/policy/policy";
import { cleanQuery } from "~/utils/text";
import { RecordsInputError } from "./errors.server";

// Archive search: every version of every item (edited-out wording, deleted items), read
// from archive_records through one GIN index, never from the live rows.

/**
 * The indexed words of a version: archive_records.search_tsv, which PostgreSQL derives from the
 * version's title and text (a stored generated column, drizzle/0019): GIN archive_records_tsv_idx.
 */
export const ARCHIVE_TEXT = sql.raw(`r.search_tsv`);

export type ArchiveSearch = {
  q: string;
  /** Users whose versions (as author or actor) are wanted. */
  custodianIds?: string[];
  spaceId?: string | null;
  from?: Date | null;
  /** Exclusive. */
  to?: Date | null;
  kinds?: string[];
  includeDeleted?: boolean;
};

export type ArchiveHit = {
  id: number;
  seq: number;
  subjectKind: string;
  subjectId: string;
  version: number;
  action: string;
  actorId: string;
  author: string;
  spaceId: string | null;
  space: string | null;
  at: string;
  /** The item is deleted now (its versions stay in the archive). */
  deleted: boolean;
  /** The version's content was removed by retention. */
  expired: boolean;
  /** The version's text around the matches, split into plain and matched runs: rendered as text, never as HTML. */
  excerpt: Excerpt;
};

export const SEARCH_LIMIT = 100;

/** The WHERE clause of a search over archive_records r (reads no other alias), shared by search and export. */
export function searchWhere(orgId: string, s: ArchiveSearch): SQL {
  const q = cleanQuery(s.q ?? "");
  const parts: SQL[] = [sql`r.org_id = ${orgId}`, sql`r.action <> 'expire'`];
  if (q) parts.push(sql`${ARCHIVE_TEXT} @@ websearch_to_tsquery('simple', ${q})`);
  if (s.custodianIds?.length) {
    const ids = sql.join(s.custodianIds.map((i) => sql`${i}`), sql`, `);
    parts.push(sql`(r.actor_id in (${ids}) or r.data->>'authorId' in (${ids}))`);
  }
  // the item's live row, read per candidate (no join: the first step of a search orders and limits archive rows only)
  if (s.spaceId) parts.push(sql`coalesce(r.data->>'spaceId', (select c0.space_id from content c0 where c0.id = r.subject_id)) = ${s.spaceId}`);
  if (s.from) parts.push(sql`r.at >= ${s.from.toISOString()}::timestamptz`);
  if (s.to) parts.push(sql`r.at < ${s.to.toISOString()}::timestamptz`);
  if (s.kinds?.length) parts.push(sql`r.subject_kind in (${sql.join(s.kinds.map((k) => sql`${k}`), sql`, `)})`);
  if (s.includeDeleted === false)
    parts.push(sql`r.action <> 'delete' and not exists (select 1 from content c0 where c0.id = r.subject_id and c0.deleted_at is not null)`);
  return sql.join(parts, sql` and `);
}

/** Rows of the org, newest first, a word search reads before it asks the GIN index (see pageIds). */
export const PROBE_ROWS = 10_000;

/**
 * Runs the search in the given transaction (no audit): the page and the export share it.
 * Two steps: the page's ids (archive rows only, no join per candidate: pageIds), then their
 * details and text (a page at most).
 */
export async function findVersions(tx: DbOrTx, orgId: string, s: ArchiveSearch, limit = SEARCH_LIMIT, probeRows = PROBE_ROWS): Promise<ArchiveHit[]> {
  const q = cleanQuery(s.q ?? "");
  const page = await pageIds(tx, orgId, s, limit, probeRows);
  if (!page.length) return [];
  const ids = sql.join(page.map((p) => sql`${p.id}::bigint`), sql`, `);
  const rows = await query<Omit<ArchiveHit, "excerpt" | "at"> & { at: Date | string; plain: string | null }>(
    tx,
    sql`select r.id, r.seq, r.subject_kind as "subjectKind", r.subject_id as "subjectId", r.version, r.action, r.actor_id as "actorId",
          coalesce(u.name, r.actor_id) as author, coalesce(r.data->>'spaceId', c.space_id) as "spaceId", s.name as space, r.at,
          (c.deleted_at is not null or r.action = 'delete') as deleted, (r.data ? '$expired') as expired,
          left(trim(coalesce(r.data->>'title', '') || ' ' || coalesce(r.data->>'text', '')), 20000) as plain
        from archive_records r
        left join content c on c.id = r.subject_id
        left join users u on u.id = coalesce(r.data->>'authorId', r.actor_id)
        left join spaces s on s.id = coalesce(r.data->>'spaceId', c.space_id)
        where r.id in (${ids})
        order by r.at desc, r.id desc`,
  );
  const words = q ? await queryWords(tx, q) : new Set<string>();
  return rows.map(({ plain, ...r }) => ({
    ...r,
    id: Number(r.id),
    seq: Number(r.seq),
    version: Number(r.version),
    at: new Date(r.at).toISOString(),
    excerpt: highlight(plain ?? "", words),
  }));
}

/**
 * The ids of the newest `limit` versions matching the search, newest first.
 *
 * A word search has two plans and the planner cannot tell which is cheap (it misjudges how many
 * versions hold a phrase or a common word): walking the org's versions newest first until the page
 * is full (cheap when matches are common, a scan of everything when they are rare), or taking every
 * match from the GIN index and sorting them (cheap when rare, a heap fetch per match when common).
 * So it first reads the org's PROBE_ROWS (probeRows) newest versions (inside the date range): if they hold a full
 * page, that page is the answer (every version outside them is older); if they hold some, it reads as many
 * more as the rate seen needs (up to 4 × PROBE_ROWS). Otherwise matches are rare, and it takes them all
 * from the indexes (materialized, so never an ordered walk, whatever the planner guesses) and sorts them. A custodian's versions come from their own indexes; no words and no custodian is
 * the org's newest versions (an ordered walk).
 */
async function pageIds(tx: DbOrTx, orgId: string, s: ArchiveSearch, limit: number, probeRows: number): Promise<Array<{ id: string | number }>> {
  const where = searchWhere(orgId, s);
  const q = cleanQuery(s.q ?? "");
  if (!q || s.custodianIds?.length)
    return query(tx, sql`select r.id from archive_records r where ${where} order by r.at desc, r.id desc limit ${limit}`);
  const range = [
    s.from ? sql` and at >= ${s.from.toISOString()}::timestamptz` : sql``,
    s.to ? sql` and at < ${s.to.toISOString()}::timestamptz` : sql``,
  ];
  const newest = (rows: number) =>
    query<{ id: string | number }>(
      tx,
      sql`select r.id from (select * from archive_records where org_id = ${orgId}${range[0]}${range[1]} order by at desc, id desc limit ${rows}) r
          where ${where} order by r.at desc, r.id desc limit ${limit}`,
    );
  const first = await newest(probeRows);
  if (first.length >= limit) return first;
  // some matches but no full page: when they are still common (the page within 4 × probeRows at the rate
  // seen), walking further is cheaper than fetching every match from the heap
  if (first.length) {
    const rows = Math.ceil((1.5 * limit * probeRows) / first.length);
    if (rows <= 4 * probeRows) {
      const second = await newest(rows);
      if (second.length >= limit) return second;
    }
  }
  return query(
    tx,
    sql`with m as materialized (select r.id, r.at from archive_records r where ${where})
        select id from m order by at desc, id desc limit ${limit}`,
  );
}

/** Compliance archive search over every version (audited in the same transaction as the read). */
export async function searchArchive(viewer: Viewer, s: ArchiveSearch, db?: Db): Promise<ArchiveHit[]> {
  const d = db ?? (await getDb());
  const orgId = requireComplianceViewer(viewer);
  return runCommand(d, async ({ tx, audit }) => {
    await audit({ orgId, actorId: viewer.id, action: "records.search", targetKind: "org", targetId: orgId, data: searchRecord(s) });
    return findVersions(tx, orgId, s);
  });
}

/** The search as recorded in the audit log and an export's manifest. */
export function searchRecord(s: ArchiveSearch) {
  return {
    q: cleanQuery(s.q ?? ""),
    custodianIds: s.custodianIds ?? [],
    spaceId: s.spaceId ?? null,
    from: s.from?.toISOString() ?? null,
    to: s.to?.toISOString() ?? null,
    kinds: s.kinds ?? [],
    includeDeleted: s.includeDeleted !== false,
  };
}

export type Excerpt = Array<{ text: string; match: boolean }>;

/** The query's words as the index holds them ('simple': lower-cased), leaving out excluded (-word) ones. */
async function queryWords(tx: DbOrTx, q: string): Promise<Set<string>> {
  const positive = q
    .replace(/(^|\s)-("[^"]*"|\S+)/g, " ")
    .replace(/\bor\b/gi, " ");
  const rows = await query<{ w: string }>(tx, sql`select unnest(tsvector_to_array(to_tsvector('simple', ${positive}))) as w`);
  return new Set(rows.map((r) => r.w));
}

const WORD = /[\p{L}\p{N}_]+/gu;
const WINDOW = 320;

/**
 * Our own highlighter: the exact stored text (markup stays text) cut to a window around the
 * first match, split into runs, the words of the query marked. ts_headline would drop
 * anything that looks like a tag, and its markers would be HTML.
 */
export function highlight(text: string, words: Set<string>): Excerpt {
  const matches: Array<[number, number]> = [];
  if (words.size) for (const m of text.matchAll(WORD)) if (words.has(m[0].toLowerCase())) matches.push([m.index!, m.index! + m[0].length]);
  const first = matches[0]?.[0] ?? 0;
  const start = first > 80 ? text.lastIndexOf(" ", first - 60) + 1 : 0;
  const end = Math.min(text.length, start + WINDOW);
  const out: Excerpt = [];
  if (start > 0) out.push({ text: "… ", match: false });
  let at = start;
  for (const [a, b] of matches) {
    if (a < at || b > end) continue;
    if (a > at) out.push({ text: text.slice(at, a), match: false });
    out.push({ text: text.slice(a, b), match: true });
    at = b;
  }
  if (at < end) out.push({ text: text.slice(at, end), match: false });
  if (end < text.length) out.push({ text: " …", match: false });
  return out;
}

/** The org's spaces, for the records pages' pickers. */
export async function recordSpaces(viewer: Viewer, db?: Db) {
  const d = db ?? (await getDb());
  const orgId = requireComplianceViewer(viewer);
  return query<{ id: string; name: string }>(d, sql`select id, name from spaces where org_id = ${orgId} order by lower(name)`);
}

/** A custodian named by email in the compliance officer's org, or a 400 naming the email. */
export async function custodianId(viewer: Viewer, email: string, db?: Db): Promise<string> {
  const d = db ?? (await getDb());
  const orgId = requireComplianceViewer(viewer);
  const [u] = await query<{ id: string }>(d, sql`select id from users where org_id = ${orgId} and lower(email) = ${email.trim().toLowerCase()}`);
  if (!u) throw new RecordsInputError("unknownCustodian", 400, "custodian", { email });
  return u.id;
}
