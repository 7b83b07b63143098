import { sql, type SQL } from "drizzle-orm";
import { getDb, query, type Db } from "~/db/client.server";
import { textArray } from "~/db/sql.server";
import type { Viewer } from "~/policy/policy";
import { readableUserCondition } from "~/policy/scopes.server";
import { peopleSearchFilter } from "~/policy/search-filter";
import { cleanQuery } from "~/utils/text";
import { getSearchService } from "../../search/client";
import { indexUid, type PersonDocument } from "../../search/settings";
import { expertiseScores, peopleWithEvidence } from "./expertise.server";
import { skillsMatching } from "./skills.server";

// The expert directory: people found by name, skill or topic (typos tolerated),
// filtered by department, region and language, ranked by expertise on what was asked,
// trimmed by the policy twice (the engine's filter, then the SQL re-check). With
// Meilisearch down, PostgreSQL answers under the same scope and the same skill matching.

export type ExpertQuery = { q: string; department?: string; region?: string; language?: string };
export type ExpertHit = {
  id: string;
  name: string;
  title: string;
  department: string;
  region: string;
  languages: string[];
  skills: string[];
  score: number;
};
export type ExpertResult = { hits: ExpertHit[]; tags: string[]; degraded: boolean };

const LIMIT = 50;
const ENGINE_TIMEOUT_MS = 1500;
const quote = (s: string) => JSON.stringify(s);

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error("search timeout")), ms).unref())]);
}

function engineFilters(viewer: Viewer, p: ExpertQuery): string[] {
  const out = [peopleSearchFilter(viewer), "active = true"];
  if (p.department) out.push(`department = ${quote(p.department)}`);
  if (p.region) out.push(`region = ${quote(p.region)}`);
  if (p.language) out.push(`languages = ${quote(p.language)}`);
  return out;
}

async function engineCandidates(viewer: Viewer, p: ExpertQuery, extraIds: string[]): Promise<string[] | null> {
  const service = await getSearchService();
  if (!service) return null;
  const index = service.client.index<PersonDocument>(indexUid("people"));
  const filter = engineFilters(viewer, p);
  const res = await withTimeout(index.search(p.q, { filter, limit: LIMIT * 2, attributesToRetrieve: ["id"] }), ENGINE_TIMEOUT_MS);
  const ids = res.hits.map((h) => h.id);
  if (extraIds.length) {
    // people whose expertise on the named topic comes from activity alone
    const more = await withTimeout(index.search("", { filter: [...filter, `id IN [${extraIds.map(quote).join(", ")}]`], limit: LIMIT * 2, attributesToRetrieve: ["id"] }), ENGINE_TIMEOUT_MS);
    for (const h of more.hits) if (!ids.includes(h.id)) ids.push(h.id);
  }
  return ids;
}

function sqlFilters(p: ExpertQuery): SQL[] {
  const out: SQL[] = [];
  if (p.department) out.push(sql`u.department = ${p.department}`);
  if (p.region) out.push(sql`u.region = ${p.region}`);
  if (p.language) out.push(sql`${p.language} = any(u.languages)`);
  return out;
}

/** PostgreSQL: name, title or department contains the words; or the person holds a matched skill or tag. */
async function databaseCandidates(db: Db, viewer: Viewer, p: ExpertQuery, skillIds: string[], extraIds: string[]): Promise<string[]> {
  const term = p.q.toLowerCase().replace(/[%_\\]/g, "");
  const like = `%${term}%`;
  const text = term
    ? sql`(lower(u.name) like ${like} or lower(u.title) like ${like} or lower(u.department) like ${like}
          or exists (select 1 from user_skills us where us.user_id = u.id and us.skill_id = any(${textArray(skillIds)}))
          or u.id = any(${textArray(extraIds)}))`
    : sql`true`;
  const rows = await query<{ id: string }>(
    db,
    sql`select u.id from users u where ${sql.join([readableUserCondition(viewer), sql`u.status = 'active'`, text, ...sqlFilters(p)], sql` and `)}
        order by u.name limit ${LIMIT * 2}`,
  );
  return rows.map((r) => r.id);
}

/** Finds experts for the viewer; empty query: everyone visible, strongest overall first. */
export async function searchExperts(viewer: Viewer, params: ExpertQuery, db?: Db): Promise<ExpertResult> {
  const d = db ?? (await getDb());
  if (!viewer.id || !viewer.orgId) return { hits: [], tags: [], degraded: false };
  const p = { ...params, q: cleanQuery(params.q, 100) };
  const matched = await skillsMatching(d, viewer.orgId, p.q);
  const tags = [...new Set([...matched.map((s) => `#${s.tag}`), ...(p.q.startsWith("#") && p.q.length > 1 ? [p.q.toLowerCase()] : [])])];
  const holders = matched.length
    ? await query<{ user_id: string }>(d, sql`select distinct user_id from user_skills where skill_id = any(${textArray(matched.map((s) => s.id))})`)
    : [];
  const extraIds = [...new Set([...(await peopleWithEvidence(d, viewer.orgId, tags)), ...holders.map((h) => h.user_id)])];
  let ids: string[] | null = null;
  let degraded = false;
  try {
    ids = await engineCandidates(viewer, p, extraIds);
  } catch (e) {
    console.error("[experts] engine query failed, answering from PostgreSQL:", (e as Error).message);
  }
  if (ids === null) {
    degraded = true;
    ids = await databaseCandidates(d, viewer, p, matched.map((s) => s.id), extraIds);
  }
  if (!ids.length) return { hits: [], tags, degraded };
  // the policy's re-check: only people the viewer may see now, active, matching the filters
  const rows = await query<Omit<ExpertHit, "score" | "skills"> & { skills: string[] | null }>(
    d,
    sql`select u.id, u.name, u.title, u.department, u.region, u.languages,
          (select array_agg(s.name order by lower(s.name)) from user_skills us join skills s on s.id = us.skill_id where us.user_id = u.id) as skills
        from users u where ${sql.join([sql`u.id = any(${textArray(ids)})`, readableUserCondition(viewer), sql`u.status = 'active'`, ...sqlFilters(p)], sql` and `)}`,
  );
  const scores = await expertiseScores(d, viewer.orgId, rows.map((r) => r.id), tags);
  const order = new Map(ids.map((id, i) => [id, i]));
  const hits = rows
    .map((r) => ({ ...r, languages: r.languages ?? [], skills: r.skills ?? [], score: Math.max(0, scores.get(r.id) ?? 0) }))
    // ranked by expertise on what was asked (overall when nothing was), then by the engine's relevance
    .sort((a, b) => b.score - a.score || order.get(a.id)! - order.get(b.id)!)
    .slice(0, LIMIT);
  return { hits, tags, degraded };
}

/** Departments, regions and languages of the people the viewer may see (filter options). */
export async function directoryFacets(viewer: Viewer, db?: Db) {
  const d = db ?? (await getDb());
  const rows = await query<{ department: string; region: string; languages: string[] }>(
    d,
    sql`select distinct u.department, u.region, u.languages from users u where ${readableUserCondition(viewer)} and u.status = 'active'`,
  );
  const uniq = (xs: string[]) => [...new Set(xs.filter(Boolean))].sort();
  return {
    departments: uniq(rows.map((r) => r.department)),
    regions: uniq(rows.map((r) => r.region)),
    languages: uniq(rows.flatMap((r) => r.languages ?? [])),
  };
}
