import { sql, type SQL } from "drizzle-orm";
import { getDb, query, type Db } from "~/db/client.server";
import { textArray } from "~/db/sql.server";
import type { Viewer } from "~/policy/policy";
import { readableUserCondition } from "~/policy/scopes.server";
import { peopleSearchFilter } from "~/policy/search-filter";
import { cleanQuery } from "~/utils/text";
import { getSearchService } from "../../search/client";
import { indexUid, type PersonDocument } from "../../search/settings";

// People in search (the search page's People tab and the header's suggestions): found
// by name, job title, department, region or skill, trimmed twice like content — the
// engine's filter from the policy's facts (peopleSearchFilter), then the SQL re-check
// (readableUserCondition) on the current rows. Deactivated people never appear here,
// not even to admins: search finds colleagues, the admin pages find accounts. With
// Meilisearch unreachable, PostgreSQL answers under the same scope.

export type PersonHit = { id: string; name: string; title: string; department: string; region: string; skills: string[] };
export type PeopleResult = { hits: PersonHit[]; estimatedTotal: number; nextOffset: number | null; degraded: boolean };

export const PEOPLE_PAGE = 20;
const ENGINE_TIMEOUT_MS = 1500;
const MAX_TERMS = 8;
const EMPTY: PeopleResult = { hits: [], estimatedTotal: 0, nextOffset: null, degraded: false };

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error("search timeout")), ms).unref())]);
}

/** Only active people, and only those the policy lets the viewer see. */
const searchable = (viewer: Viewer): SQL => sql`${readableUserCondition(viewer, sql.raw("u"))} and u.status = 'active'`;

/** The current rows of `ids` the viewer may find, in the order given (the policy's re-check). */
async function hydratePeople(db: Db, viewer: Viewer, ids: string[]): Promise<PersonHit[]> {
  if (!ids.length) return [];
  const rows = await query<Omit<PersonHit, "skills"> & { skills: string[] | null }>(
    db,
    sql`select u.id, u.name, u.title, u.department, u.region,
          (select array_agg(s.name order by lower(s.name)) from user_skills us join skills s on s.id = us.skill_id where us.user_id = u.id) as skills
        from users u where u.id = any(${textArray(ids)}) and ${searchable(viewer)}`,
  );
  const byId = new Map(rows.map((r) => [r.id, { ...r, skills: r.skills ?? [] }]));
  return ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
}

// Every word must match (typos tolerated): a person is a short document, and "head of
// payments" should not bring every head of anything.
async function searchEngine(db: Db, viewer: Viewer, q: string, offset: number, limit: number): Promise<PeopleResult | null> {
  const service = await getSearchService();
  if (!service) return null;
  const index = service.client.index<PersonDocument>(indexUid("people"));
  const filter = [peopleSearchFilter(viewer), "active = true"];
  const hits: PersonHit[] = [];
  let at = offset;
  let estimatedTotal = 0;
  // a hit the re-check drops (a barrier raised since indexing) is replaced by the next one
  for (let round = 0; round < 3 && hits.length < limit; round++) {
    const want = limit - hits.length + 5;
    const res = await withTimeout(index.search(q, { filter, offset: at, limit: want, attributesToRetrieve: ["id"], matchingStrategy: "all" }), ENGINE_TIMEOUT_MS);
    if (round === 0) estimatedTotal = res.estimatedTotalHits ?? res.hits.length;
    const found = await hydratePeople(db, viewer, res.hits.map((h) => h.id));
    const byId = new Map(found.map((p) => [p.id, p]));
    let consumed = 0;
    for (const h of res.hits) {
      consumed++;
      const p = byId.get(h.id);
      if (p) hits.push(p);
      if (hits.length === limit) break;
    }
    at += consumed;
    if (res.hits.length < want) return { hits, estimatedTotal, nextOffset: consumed < res.hits.length ? at : null, degraded: false };
  }
  return { hits, estimatedTotal, nextOffset: at, degraded: false };
}

/**
 * PostgreSQL: every word of the query appears in the person's name, job title, department,
 * region or a declared skill (its name or a synonym). People whose name matches come first.
 */
export async function searchPeopleDatabase(db: Db, viewer: Viewer, q: string, offset: number, limit: number): Promise<PeopleResult> {
  const terms = q.toLowerCase().replace(/[%_\\]/g, " ").split(/\s+/).filter(Boolean).slice(0, MAX_TERMS);
  if (!terms.length) return { ...EMPTY, degraded: true };
  const haystack = sql`lower(u.name || ' ' || u.title || ' ' || u.department || ' ' || u.region || ' ' || coalesce((select string_agg(s.name || ' ' || array_to_string(s.synonyms, ' '), ' ')
      from user_skills us join skills s on s.id = us.skill_id where us.user_id = u.id), ''))`;
  const conds = [searchable(viewer), ...terms.map((t) => sql`${haystack} like ${`%${t}%`}`)];
  const rows = await query<{ id: string; total: number }>(
    db,
    sql`select u.id, count(*) over ()::int as total from users u where ${sql.join(conds, sql` and `)}
        order by (lower(u.name) like ${`%${terms[0]}%`}) desc, lower(u.name), u.id offset ${offset} limit ${limit + 1}`,
  );
  const page = rows.slice(0, limit);
  const hits = await hydratePeople(db, viewer, page.map((r) => r.id));
  return { hits, estimatedTotal: rows.length ? Number(rows[0].total) : offset, nextOffset: rows.length > limit ? offset + limit : null, degraded: true };
}

/** People the viewer may find for `q` (nothing for an empty query). */
export async function searchPeopleIndex(viewer: Viewer, params: { q: string; offset?: number; limit?: number }, db?: Db): Promise<PeopleResult> {
  const q = cleanQuery(params.q, 200);
  if (!viewer.id || !viewer.orgId || !q) return EMPTY;
  const d = db ?? (await getDb());
  const offset = Math.max(0, params.offset ?? 0);
  const limit = Math.min(Math.max(params.limit ?? PEOPLE_PAGE, 1), 50);
  try {
    const r = await searchEngine(d, viewer, q, offset, limit);
    if (r) return r;
  } catch (e) {
    console.error("[search] people engine query failed, answering from PostgreSQL:", (e as Error).message);
  }
  return searchPeopleDatabase(d, viewer, q, offset, limit);
}
